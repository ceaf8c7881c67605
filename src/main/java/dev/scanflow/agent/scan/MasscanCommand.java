package dev.scanflow.agent.scan;

import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * masscan's argument list for one job of the ports profile, built from the agent's own settings and the
 * job's parsed CIDR, never from text a remote party sent. The rate is always passed (masscan's own default
 * is 100 packets/s); the target goes last; the output is masscan's console lines on stdout
 * (read by {@link MasscanOutputParser}, line by line while it runs by {@link ServiceScanPipeline}). A range beyond masscan's
 * limit (addresses times ports must fit in 63 bits, so an IPv6 range of /66 or smaller with one port) is
 * refused here with a sentence instead of being handed to masscan.
 */
public class MasscanCommand {

    private final AgentSettings settings;

    public MasscanCommand(AgentSettings settings) {
        this.settings = settings;
    }

    public List<String> ports(ScanJob job) {
        Cidr target = job.target();
        BigInteger pairs = BigInteger.ONE.shiftLeft(target.network().bits() - target.prefix())
                .multiply(BigInteger.valueOf(job.ports().size()));
        if (pairs.bitLength() > AgentSettings.MASSCAN_MAX_RANGE_BITS) {
            throw new ScanFailed("masscan cannot scan " + target + " on " + job.ports().size() + " port"
                    + (job.ports().size() == 1 ? "" : "s") + ": that is 2^" + (pairs.bitLength() - 1)
                    + " or more (address, port) pairs, and masscan takes at most 2^"
                    + AgentSettings.MASSCAN_MAX_RANGE_BITS + " in one run (an IPv6 range must be /66 or smaller"
                    + " for one port); use a larger scanflow.agent.chunk-prefix.ipv" + target.version());
        }
        AgentSettings.Masscan masscan = settings.masscan();
        List<String> args = new ArrayList<>();
        args.add("-p");
        args.add(job.ports().toString());
        args.add("--rate");
        args.add(Integer.toString(masscan.rate()));
        args.add("--wait");
        args.add(Long.toString(masscan.waitTime().toSeconds()));
        if (masscan.retries() > 0) {
            args.add("--retries");
            args.add(Integer.toString(masscan.retries()));
        }
        if (masscan.networkInterface() != null) {
            args.add("-e");
            args.add(masscan.networkInterface());
        }
        if (masscan.routerIp() != null) {
            args.add("--router-ip");
            args.add(masscan.routerIp().toString());
        }
        if (masscan.routerMac() != null) {
            args.add("--router-mac");
            args.add(masscan.routerMac());
        }
        if (masscan.sourceIp() != null) {
            args.add("--source-ip");
            args.add(masscan.sourceIp().toString());
        }
        for (Cidr excluded : job.excluded()) {
            args.add("--exclude");
            args.add(excluded.toString());
        }
        // no -o option: masscan then writes its console lines on stdout and flushes each one as it finds the
        // port (its -oJ/-oL output sits in a 4 KiB buffer until exit), so nmap -sV can start on them at once
        // --range: masscan reads a bare argument as a target only if it starts with a digit or ':'
        args.add("--range");
        args.add(target.toString());
        return List.copyOf(args);
    }

    /** The command as it will run, program first, for the report. */
    public List<String> commandLine(List<String> args) {
        List<String> line = new ArrayList<>();
        line.add(settings.masscan().executable());
        line.addAll(args);
        return List.copyOf(line);
    }
}
