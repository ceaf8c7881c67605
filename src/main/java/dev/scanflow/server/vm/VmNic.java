package dev.scanflow.server.vm;

import dev.scanflow.server.phpipam.Vlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The VM's first NIC ({@code net0}) on its subnet's VLAN. The clone's own net0 is kept as it is (model, MAC
 * address Proxmox gave the clone, bridge, firewall...) and only its {@code tag} changes: {@code tag=<number>}
 * when phpIPAM puts the subnet on a VLAN, no tag (untagged) when it puts it on none, so a template tagged
 * for another network never leaks its VLAN into a VM.
 */
final class VmNic {

    private VmNic() {
    }

    /**
     * The net0 to set, or null when the clone's is already right (or there is none and none is needed).
     *
     * @throws IllegalStateException when the subnet has a VLAN but the template has no net0 to put on it
     */
    static String onVlan(String net0, Vlan vlan) {
        if (net0 == null || net0.isBlank()) {
            if (vlan == null) {
                return null;
            }
            throw new IllegalStateException("the template has no net0: the VM cannot be put on VLAN " + vlan.number());
        }
        List<String> parts = new ArrayList<>();
        for (String part : net0.split(",")) {
            if (!part.startsWith("tag=")) {
                parts.add(part);
            }
        }
        if (vlan != null) {
            parts.add("tag=" + vlan.number());
        }
        String wanted = String.join(",", parts);
        return wanted.equals(net0) ? null : wanted;
    }

    /** What the step's detail says about the NIC. */
    static String describe(Vlan vlan) {
        return vlan == null ? "net0 untagged (the subnet has no VLAN in phpIPAM)"
                : "net0 on VLAN " + vlan.number() + (vlan.name() == null ? "" : " (" + vlan.name() + ")");
    }
}
