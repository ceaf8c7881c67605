package dev.scanflow.agent.phpipam;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how the agent reads its work from phpIPAM's REST API: an API app with security
 * "SSL with App code token" (ssl_code) and permission Read, as No Fuss Computing's agent uses it.
 *
 * @param url              scanflow.phpipam-api.url: phpIPAM's base URL, without /api/… (required);
 *                         https://, or http:// to a loopback address only, since the app code travels in a header
 * @param appId            scanflow.phpipam-api.app-id: the API app's id, the {app} in /api/{app}/… (required)
 * @param appCode          scanflow.phpipam-api.app-code: the API app's code, sent as header {@code token};
 *                         a secret, best as SCANFLOW_PHPIPAM_API_APP_CODE (required)
 * @param agentCode        scanflow.agent.code: the agent's phpIPAM scanAgents.code (required)
 * @param cacheDir         scanflow.phpipam-api.cache-dir, default cache/phpipam-api under the install directory
 * @param cacheExpiry      scanflow.phpipam-api.cache-expiry, default 1800s (NFC's cache_expire_time); 0 asks the
 *                         API every time and keeps the cache only for when the API is down
 * @param timeOffset       scanflow.phpipam-api.time-offset, default 0: added to "now" when checking expiry
 *                         (NFC's epoch_time_offset); may be negative
 * @param caFile           scanflow.phpipam-api.ca-file: PEM file with the CA certificate(s) to trust for the API,
 *                         instead of the JDK's trust store; null = the JDK's trust store. Never "trust all".
 * @param timeout          scanflow.phpipam-api.timeout, default 30s: connect and whole-request timeout
 * @param resolveEmptyOnly scanflow.phpipam-api.resolve-empty-only, default true: with resolveDNS=1, reverse DNS
 *                         only fills empty host names (phpIPAM's $config['resolve_emptyonly'])
 */
public record PhpipamApiSettings(URI url, String appId, String appCode, String agentCode, Path cacheDir,
                                 Duration cacheExpiry, Duration timeOffset, Path caFile, Duration timeout,
                                 boolean resolveEmptyOnly) {

    public static final String URL = "scanflow.phpipam-api.url";
    public static final String APP_ID = "scanflow.phpipam-api.app-id";
    public static final String APP_CODE = "scanflow.phpipam-api.app-code";
    public static final String AGENT_CODE = "scanflow.agent.code";
    public static final String CACHE_DIR = "scanflow.phpipam-api.cache-dir";
    public static final String CACHE_EXPIRY = "scanflow.phpipam-api.cache-expiry";
    public static final String TIME_OFFSET = "scanflow.phpipam-api.time-offset";
    public static final String CA_FILE = "scanflow.phpipam-api.ca-file";
    public static final String TIMEOUT = "scanflow.phpipam-api.timeout";
    public static final String RESOLVE_EMPTY_ONLY = "scanflow.phpipam-api.resolve-empty-only";

    public static final Duration DEFAULT_CACHE_EXPIRY = Duration.ofSeconds(1800);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final String DEFAULT_CACHE_DIR = "cache/phpipam-api";

    private static final Pattern APP_ID_FORM = Pattern.compile("[A-Za-z0-9_=-]{3,12}");
    private static final Pattern AGENT_CODE_FORM = Pattern.compile("[A-Za-z0-9_=-]{32}");
    private static final Pattern APP_CODE_FORM = Pattern.compile("[\\x21-\\x7E]{1,64}");
    private static final Pattern SECONDS = Pattern.compile("([+-]?\\d+)([smh]?)");

    public PhpipamApiSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(appCode, "appCode");
        Objects.requireNonNull(agentCode, "agentCode");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(cacheExpiry, "cacheExpiry");
        Objects.requireNonNull(timeOffset, "timeOffset");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The agent takes its work from phpIPAM's API only when scanflow.phpipam-api.url is set. */
    public static boolean configured(SettingsSource source) {
        return source.raw(URL) != null;
    }

    /** {@link #from} when scanflow.phpipam-api.url is set, else empty (the agent scans scanflow.agent.subnets). */
    public static Optional<PhpipamApiSettings> fromIfConfigured(SettingsSource source, Path home) {
        return configured(source) ? Optional.of(from(source, home)) : Optional.empty();
    }

    /**
     * Reads and checks every key; a wrong or missing value throws {@link InvalidSettings} naming the key
     * (never the app code's value). Relative paths are taken from {@code home}, the install directory.
     */
    public static PhpipamApiSettings from(SettingsSource source, Path home) {
        URI url = baseUrl(source.required(URL));
        String appId = source.required(APP_ID);
        if (!APP_ID_FORM.matcher(appId).matches()) {
            throw new InvalidSettings(APP_ID + " must be phpIPAM's app id: 3 to 12 characters of A-Z a-z 0-9 - _ =");
        }
        if (url.getPath().matches("(?i).*/api(/" + Pattern.quote(appId) + ")?/?")) {
            throw new InvalidSettings(URL + " must be phpIPAM's base URL, without /api/" + appId
                    + " (ScanFlow adds /api/{app-id}/ itself)");
        }
        String appCode = source.required(APP_CODE);
        if (!APP_CODE_FORM.matcher(appCode).matches()) {
            // the value is a secret: say what is wrong with it, never what it is
            throw new InvalidSettings(APP_CODE + " must be the API app's code (printable characters, no spaces)");
        }
        String agentCode = source.required(AGENT_CODE);
        if (!AGENT_CODE_FORM.matcher(agentCode).matches()) {
            throw new InvalidSettings(AGENT_CODE + " must be the 32-character phpIPAM agent code");
        }
        Path cacheDir = home.resolve(source.string(CACHE_DIR, DEFAULT_CACHE_DIR)).normalize();
        if (Files.exists(cacheDir) && !Files.isDirectory(cacheDir)) {
            throw new InvalidSettings(CACHE_DIR + "=" + cacheDir + " is not a directory");
        }
        Duration cacheExpiry = signedDuration(source, CACHE_EXPIRY, DEFAULT_CACHE_EXPIRY);
        if (cacheExpiry.isNegative()) {
            throw new InvalidSettings(CACHE_EXPIRY + " must not be negative");
        }
        Duration timeOffset = signedDuration(source, TIME_OFFSET, Duration.ZERO);
        Path caFile = null;
        String ca = source.raw(CA_FILE);
        if (ca != null) {
            caFile = home.resolve(ca).normalize();
            try {
                TrustedCa.load(caFile); // a CA file that cannot be used stops the start, not the first scan
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings(CA_FILE + ": " + e.getMessage());
            }
        }
        Duration timeout = signedDuration(source, TIMEOUT, DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSettings(TIMEOUT + " must be positive");
        }
        return new PhpipamApiSettings(url, appId, appCode, agentCode, cacheDir, cacheExpiry, timeOffset, caFile,
                timeout, source.bool(RESOLVE_EMPTY_ONLY, true));
    }

    private static URI baseUrl(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidSettings(URL + " is not a URL: " + e.getMessage());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
            throw new InvalidSettings(URL + " must be an https:// URL such as https://ipam.example.org");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw new InvalidSettings(URL + " must not carry a query, a fragment or user info");
        }
        if (scheme.equals("http") && !isLoopback(url.getHost())) {
            throw new InvalidSettings(URL + " must be https://: the app code travels in a header "
                    + "(plain http:// is accepted only to 127.0.0.1, ::1 or localhost)");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme + "://" + url.getRawAuthority() + path);
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false; // a name other than localhost: never resolved here
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** 1800 (seconds), 30s, 10m, 1h, -300s, or ISO-8601 such as PT30M or PT-5M. */
    static Duration signedDuration(SettingsSource source, String key, Duration fallback) {
        String value = source.raw(key);
        if (value == null) {
            return fallback;
        }
        Matcher simple = SECONDS.matcher(value);
        try {
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                return switch (simple.group(2)) {
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofSeconds(amount);
                };
            }
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new InvalidSettings(key + "=" + value + " is not valid: use 1800, 30s, 10m, 1h or ISO-8601 such as PT30M");
        }
    }

    /** The API's root for this app: {url}/api/{app-id}/. */
    public URI apiRoot() {
        return URI.create(url + "/api/" + appId + "/");
    }

    @Override
    public String toString() {
        return "PhpipamApiSettings[url=" + url + ", appId=" + appId + ", appCode=****, agentCode="
                + agentCode.substring(0, Math.min(4, agentCode.length())) + "…, cacheDir=" + cacheDir
                + ", cacheExpiry=" + cacheExpiry + ", timeOffset=" + timeOffset + ", caFile=" + caFile
                + ", timeout=" + timeout + ", resolveEmptyOnly=" + resolveEmptyOnly + "]";
    }
}
