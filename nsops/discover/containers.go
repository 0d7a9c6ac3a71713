package discover

import "github.com/lazyns/lazyns/model"

// containers says who holds each namespace other than the host's, from
// its oldest process: a Mininet host by the name its shell carries (only
// for an unnamed namespace: Mininet names none, and may itself run inside
// a container), else the container or unit its cgroup names, with the
// name the runtime gives it.
func (d *discovery) containers() {
	d.eachHeld(func(r *ProcReader, ns *model.Namespace) {
		pid := ns.Procs[0].Pid
		if !ns.Named() {
			if host := model.MininetHost(r.Cmdline(pid)); host != "" {
				ns.Container = &model.Container{Runtime: "mininet", ID: host, Name: host}
				return
			}
		}
		c := model.ContainerFromCgroup(r.Cgroup(pid))
		if c != nil && d.cfg.Names != nil {
			d.cfg.Names.Fill(c)
		}
		ns.Container = c
	})
}
