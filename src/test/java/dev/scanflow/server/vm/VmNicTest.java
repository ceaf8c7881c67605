package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scanflow.server.phpipam.Vlan;
import org.junit.jupiter.api.Test;

class VmNicTest {

    private static final String NIC = "virtio=BC:24:11:00:01:2C,bridge=vmbr0,firewall=1";

    @Test
    void aSubnetOnAVlanTagsTheClonesNicKeepingItsModelMacAndBridge() {
        assertEquals(NIC + ",tag=20", VmNic.onVlan(NIC, new Vlan(20, "servers")));
    }

    @Test
    void aTemplateTaggedForAnotherVlanIsRetaggedAndASubnetWithoutVlanUntagsIt() {
        assertEquals("virtio=BC:24:11:00:01:2C,bridge=vmbr0,firewall=1,tag=30", VmNic.onVlan("virtio=BC:24:11:00:01:2C,tag=5,bridge=vmbr0,firewall=1", new Vlan(30, null)));
        assertEquals(NIC, VmNic.onVlan(NIC + ",tag=5", null));
    }

    @Test
    void nothingToSetWhenTheNicIsAlreadyRight() {
        assertNull(VmNic.onVlan(NIC, null));
        assertNull(VmNic.onVlan(NIC + ",tag=20", new Vlan(20, "servers")));
        assertNull(VmNic.onVlan(null, null));
    }

    @Test
    void aVlanWithoutANicToPutOnItIsAClearFailure() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> VmNic.onVlan(null, new Vlan(20, "servers")));
        assertEquals("the template has no net0: the VM cannot be put on VLAN 20", e.getMessage());
    }

    @Test
    void theStepSaysWhichVlanOrThatThereIsNone() {
        assertEquals("net0 on VLAN 20 (servers)", VmNic.describe(new Vlan(20, "servers")));
        assertEquals("net0 untagged (the subnet has no VLAN in phpIPAM)", VmNic.describe(null));
    }
}
