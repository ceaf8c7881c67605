package dev.scanflow.agent.scan;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds nmap's argument list from the agent's own settings and a subnet, never from text a remote party
 * sent: each option comes from this allow-list, the target is a parsed CIDR.
 */
public class NmapCommand {

    private final AgentSettings settings;

    public NmapCommand(AgentSettings settings) {
        this.settings = settings;
    }

    /** Host discovery (-sn). On-link, nmap discovers by ARP or neighbour discovery, so MACs are real. */
    public List<String> discovery(String subnet) {
        Cidr target = Cidr.parse(subnet);
        List<String> args = new ArrayList<>();
        if (target.version() == 6) {
            args.add("-6");
        }
        args.add("-sn");
        args.add(settings.reverseDns() ? "-R" : "-n");
        args.add("-T4");
        args.add("--host-timeout");
        args.add(settings.hostTimeout().toSeconds() + "s");
        args.add("-oX");
        args.add("-");
        args.add(target.toString());
        return List.copyOf(args);
    }

    /** The command as it will run, program first, for the report. */
    public List<String> commandLine(List<String> args) {
        List<String> line = new ArrayList<>();
        line.add(settings.nmap());
        line.addAll(args);
        return List.copyOf(line);
    }
}
