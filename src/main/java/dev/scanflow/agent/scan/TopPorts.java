package dev.scanflow.agent.scan;

import dev.scanflow.report.PortList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which ports nmap's {@code --top-ports N} means on this machine: nmap itself says so. Run without a target,
 * {@code nmap -sT --top-ports N -oX -} probes nothing and prints
 * {@code <scaninfo ... services="1,3-4,6-7,..."/>}, the list from its own nmap-services frequencies. The agent
 * needs the list for a report's coverage (what was probed) and for masscan, which has no such table.
 */
public final class TopPorts {

    private static final long TIMEOUT_SECONDS = 30;

    private TopPorts() {
    }

    /** @throws IllegalArgumentException with a sentence when nmap cannot say */
    public static PortList resolve(String nmap, int count) {
        List<String> command = List.of(nmap, "-sT", "--top-ports", Integer.toString(count), "-oX", "-");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run " + nmap + " to read its top " + count + " ports: " + e.getMessage());
        }
        String xml;
        try (InputStream out = process.getInputStream()) {
            xml = new String(out.readNBytes(1 << 20), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalArgumentException(nmap + " did not say its top " + count + " ports within " + TIMEOUT_SECONDS + " s");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + nmap + "'s top " + count + " ports: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while asking " + nmap + " for its top ports");
        } finally {
            process.destroy();
        }
        return parse(xml, count);
    }

    static PortList parse(String xml, int count) {
        int scaninfo = xml.indexOf("<scaninfo ");
        // " services=", not the "numservices=" before it
        int services = scaninfo < 0 ? -1 : xml.indexOf(" services=\"", scaninfo);
        int end = services < 0 ? -1 : xml.indexOf('"', services + 11);
        if (end < 0) {
            throw new IllegalArgumentException("nmap printed no scaninfo for --top-ports " + count);
        }
        return PortList.parse(xml.substring(services + 11, end));
    }
}
