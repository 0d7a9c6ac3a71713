package main

import "github.com/lazyns/lazyns/model"

// ansiPaint colours text the way ip -c does.
func ansiPaint(r model.Role, s string) string {
	code := ""
	switch r {
	case model.RoleName, model.RoleHeader:
		code = "1"
	case model.RoleIfname:
		code = "36"
	case model.RoleUp:
		code = "32"
	case model.RoleDown, model.RoleWarn:
		code = "31"
	case model.RoleMAC:
		code = "33"
	case model.RoleInet:
		code = "35"
	case model.RoleInet6:
		code = "34"
	case model.RoleDim:
		code = "2"
	}
	if code == "" || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
