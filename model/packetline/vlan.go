package packetline

// AppendWithVLANTag appends to dst the Ethernet frame with a VLAN tag put
// back after its MAC addresses. A packet socket hands a received frame
// (and a sent one, on a device that offloads tagging) without its outer
// tag, and gives the tag beside it (tpacket_auxdata: tp_vlan_tci with
// TP_STATUS_VLAN_VALID, tp_vlan_tpid with TP_STATUS_VLAN_TPID_VALID); as
// libpcap does, the capture puts it back so that lines and files show the
// frame as it was on the wire. A tpid of 0 (not reported) means 802.1Q.
// A frame too short for MAC addresses is appended unchanged.
func AppendWithVLANTag(dst, frame []byte, tpid, tci uint16) []byte {
	if len(frame) < 12 {
		return append(dst, frame...)
	}
	if tpid == 0 {
		tpid = 0x8100
	}
	dst = append(dst, frame[:12]...)
	dst = append(dst, byte(tpid>>8), byte(tpid), byte(tci>>8), byte(tci))
	return append(dst, frame[12:]...)
}
