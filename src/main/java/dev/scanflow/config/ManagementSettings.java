package dev.scanflow.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who may use a role's /observe endpoints. /observe/health is open (UP or DOWN, nothing more); Jolokia needs
 * the operator token always; metrics and info follow {@code scanflow.observe.access}.
 *
 * @param operatorToken  the operator token (the server's scanflow.server.api-token, the agent's
 *                       scanflow.agent.operator-token); null closes Jolokia and, with access=token, metrics and info
 * @param tokenKey       the setting the token comes from, for messages
 * @param access         scanflow.observe.access: loopback (default: metrics and info open to requests from this
 *                       machine that name it as localhost, not relayed by a proxy) or token (always the token)
 * @param allowedOrigins scanflow.observe.allowed-origins: browser origins (scheme://host:port) allowed to call
 *                       /observe at all, comma-separated; default none, so no web page can use it
 */
public record ManagementSettings(String operatorToken, String tokenKey, Access access, List<String> allowedOrigins) {

    public static final String ACCESS = "scanflow.observe.access";
    public static final String ALLOWED_ORIGINS = "scanflow.observe.allowed-origins";

    /** How /observe/metrics and /observe/info are reached. */
    public enum Access {
        /** Open to loopback requests addressed to localhost and not relayed by a proxy; the token otherwise. */
        LOOPBACK,
        /** The operator token, always. */
        TOKEN
    }

    public ManagementSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public static ManagementSettings from(SettingsSource source, String tokenKey) {
        String accessText = source.string(ACCESS, "loopback");
        Access access;
        try {
            access = Access.valueOf(accessText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(ACCESS + " must be loopback or token, not " + accessText);
        }
        List<String> origins = Arrays.stream(source.string(ALLOWED_ORIGINS, "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String origin : origins) {
            if (!origin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+")) {
                throw new InvalidSettings(ALLOWED_ORIGINS + ": " + origin + " is not an origin such as https://hawtio.example.org:8443");
            }
        }
        return new ManagementSettings(source.raw(tokenKey), tokenKey, access, origins);
    }

    @Override
    public String toString() {
        return "ManagementSettings[operatorToken=" + (operatorToken == null ? "none" : "****") + ", access=" + access
                + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
