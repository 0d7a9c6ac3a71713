package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lazyns/lazyns/model"
)

// sgr is the ANSI select-graphic-rendition code for a parsed colour.
func sgr(c string) string {
	if strings.HasPrefix(c, "#") {
		v, _ := strconv.ParseUint(c[1:], 16, 32)
		return fmt.Sprintf("38;2;%d;%d;%d", v>>16, v>>8&0xff, v&0xff)
	}
	n, _ := strconv.Atoi(c)
	switch {
	case n < 8:
		return strconv.Itoa(30 + n)
	case n < 16:
		return strconv.Itoa(90 + n - 8)
	}
	return "38;5;" + c
}

// Paint colours text for list and show the way ip -c does, with the
// colours of the config file's [colors] where it sets them.
func (s *Settings) Paint() model.Paint {
	codes := map[model.Role]string{}
	for name, role := range model.RoleNames {
		code := ""
		if c := s.Color(name); c != "" {
			code = sgr(c)
		}
		switch role {
		case model.RoleName, model.RoleHeader:
			code = strings.TrimSuffix("1;"+code, ";")
		case model.RoleDim:
			if code == "" {
				code = "2"
			}
		}
		codes[role] = code
	}
	return func(r model.Role, s string) string {
		code := codes[r]
		if code == "" || s == "" {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
}
