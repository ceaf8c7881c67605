package dev.scanflow.server.api;

import dev.scanflow.report.ScannedPort.Service;
import java.util.ArrayList;
import java.util.List;

/** A service as nmap's port table shows it: SERVICE ("ssl/http") and VERSION ("nginx 1.24 (Ubuntu)"). */
final class ServiceText {

    private ServiceText() {
    }

    /** tunnel/name, or "" when unknown. */
    static String name(Service service) {
        if (service == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (service.tunnel() != null) {
            parts.add(service.tunnel());
        }
        if (service.name() != null) {
            parts.add(service.name());
        }
        return printable(String.join("/", parts));
    }

    /** product version (extrainfo), with the CPEs after it when {@code withCpes}. */
    static String version(Service service, boolean withCpes) {
        if (service == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (service.product() != null) {
            parts.add(service.product());
        }
        if (service.version() != null) {
            parts.add(service.version());
        }
        if (service.extraInfo() != null) {
            parts.add("(" + service.extraInfo() + ")");
        }
        if (withCpes) {
            parts.addAll(service.cpes());
        }
        return printable(String.join(" ", parts));
    }

    /** Control characters (a newline in a DNS name, say) shown as '?', so a value cannot forge a line of its own. */
    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    /** Both columns in one: "ssl/http nginx 1.24". */
    static String full(Service service, boolean withCpes) {
        String name = name(service);
        String version = version(service, withCpes);
        return name.isEmpty() ? version : version.isEmpty() ? name : name + " " + version;
    }
}
