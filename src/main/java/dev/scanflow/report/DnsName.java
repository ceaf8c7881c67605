package dev.scanflow.report;

/**
 * What a host name in a report may be: a DNS name as RFC 1123 allows (labels of letters, digits and hyphens,
 * neither starting nor ending with a hyphen, 1 to 63 characters each, at most 253 in all), plus the
 * underscore, which real zones carry (SRV-style and Windows names). One trailing dot is allowed.
 *
 * <p>Checked character by character rather than with a regular expression, so its cost is linear and no
 * input can make it recurse. Anything else (NUL, CR/LF, escape sequences, markup, bidirectional controls,
 * a leading {@code =} that a spreadsheet would run) is not a name and never reaches phpIPAM or the history.
 */
public final class DnsName {

    public static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL = 63;

    private DnsName() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        int end = name.endsWith(".") ? name.length() - 1 : name.length();
        if (end == 0 || end > MAX_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            char c = i == end ? '.' : name.charAt(i);
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
