package dev.scanflow.agent;

import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.lab.LabProcess;
import java.util.List;

/**
 * Ten small UDP datagrams a second from a lab host to the scanner's own lab address (port 9, discard). A real
 * network is never silent; the lab's bridge is, and masscan 1.3 (libpcap) only notices its --wait has run out
 * when a packet arrives, so on a silent link it lingers for up to tens of seconds after the scan. The trickle
 * stays inside the lab (THE ADDRESS RULE).
 */
public final class LabTrickle {

    private LabTrickle() {
    }

    public static LabProcess start(LabNetwork lab, LabHost from) {
        String python = LabNetwork.Tool.PYTHON3.locate().orElseThrow().toString();
        return lab.startProcess(from, List.of(python, "-c", String.join("\n",
                "import socket, time",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "while True:",
                "    s.sendto(b'scanflow-lab-trickle', ('" + LabNetwork.SCANNER_V4 + "', 9))",
                "    time.sleep(0.1)")));
    }
}
