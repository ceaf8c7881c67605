package dev.scanflow.agent.scan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real scanner outputs of src/test/resources/scans (see its README for the commands and the lab). */
public final class Fixtures {

    private Fixtures() {
    }

    public static byte[] bytes(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/scans/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream stream(String file) {
        return new ByteArrayInputStream(bytes(file));
    }

    public static NmapRun nmap(String file) {
        return new NmapXmlParser().parse(stream(file));
    }

    public static MasscanRun masscan(String file) {
        return new MasscanOutputParser().parse(stream(file));
    }
}
