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
 * Where and how the agent reads its work from phpIPAM's REST API: an API app with permission Read and one of
 * the security modes a real phpIPAM offers (docs/phpipam.md §1.7, §3.2):
 * <ul>
 *   <li>{@code ssl_code}, "SSL with App code token" (the default, as No Fuss Computing's agent uses it): the
 *       app code in header {@code token}; phpIPAM answers every plain-HTTP request 503 "SSL connection is
 *       required for API", so only https:// can work;</li>
 *   <li>{@code ssl_token}, "SSL with User token": {@code POST /api/{app}/user/} with the user's name and
 *       password (HTTP Basic) gives a token with an {@code expires} time, sent as header {@code token}; https://
 *       only, for the same reason;</li>
 *   <li>{@code none}, "User token" (phpIPAM allows it only with {@code $api_allow_unsafe}): the same user token
 *       flow without phpIPAM's HTTPS check; ScanFlow still wants https://, or http:// to a loopback address.</li>
 * </ul>
 * A combination that cannot work is refused at start with one line that says why.
 *
 * @param url              scanflow.phpipam-api.url: phpIPAM's base URL, without /api/… (required)
 * @param appId            scanflow.phpipam-api.app-id: the API app's id, the {app} in /api/{app}/… (required)
 * @param security         scanflow.phpipam-api.security: ssl_code (default), ssl_token or none, as the app's
 *                         "App security" in phpIPAM
 * @param appCode          scanflow.phpipam-api.app-code: the API app's code, sent as header {@code token};
 *                         a secret, best as SCANFLOW_PHPIPAM_API_APP_CODE (required for ssl_code, else null)
 * @param user             scanflow.phpipam-api.user: the phpIPAM user for ssl_token and none, else null
 * @param password         scanflow.phpipam-api.password: that user's password, best as
 *                         SCANFLOW_PHPIPAM_API_PASSWORD (required for ssl_token and none, else null)
 * @param tokenRenewBefore scanflow.phpipam-api.token-renew-before, default 300s: a user token is renewed this
 *                         long before its {@code expires}
 * @param phpipamTimeZone  scanflow.phpipam-api.time-zone, default UTC: phpIPAM's PHP time zone, in which it
 *                         writes a user token's {@code expires}
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
public record PhpipamApiSettings(URI url, String appId, Security security, String appCode, String user, String password,
                                 Duration tokenRenewBefore, java.time.ZoneId phpipamTimeZone, String agentCode,
                                 Path cacheDir, Duration cacheExpiry, Duration timeOffset, Path caFile, Duration timeout,
                                 boolean resolveEmptyOnly) {

    /** phpIPAM's api.app_security values the agent can work with, and the labels phpIPAM's UI shows. */
    public enum Security {
        SSL_CODE("ssl_code", "SSL with App code token"),
        SSL_TOKEN("ssl_token", "SSL with User token"),
        NONE("none", "User token");

        private final String value;
        private final String label;

        Security(String value, String label) {
            this.value = value;
            this.label = label;
        }

        public String value() {
            return value;
        }

        public String label() {
            return label;
        }

        /** Whether the token is a user's, obtained with POST /api/{app}/user/. */
        public boolean userToken() {
            return this != SSL_CODE;
        }

        /** Whether phpIPAM itself refuses plain HTTP (its isHttps() check) for this mode. */
        public boolean phpipamRequiresHttps() {
            return this != NONE;
        }

        @Override
        public String toString() {
            return value + " (\"" + label + "\")";
        }
    }

    public static final String URL = "scanflow.phpipam-api.url";
    public static final String APP_ID = "scanflow.phpipam-api.app-id";
    public static final String APP_CODE = "scanflow.phpipam-api.app-code";
    public static final String SECURITY = "scanflow.phpipam-api.security";
    public static final String USER = "scanflow.phpipam-api.user";
    public static final String PASSWORD = "scanflow.phpipam-api.password";
    public static final String TOKEN_RENEW_BEFORE = "scanflow.phpipam-api.token-renew-before";
    public static final String TIME_ZONE = "scanflow.phpipam-api.time-zone";
    public static final String AGENT_CODE = "scanflow.agent.code";
    public static final String CACHE_DIR = "scanflow.phpipam-api.cache-dir";
    public static final String CACHE_EXPIRY = "scanflow.phpipam-api.cache-expiry";
    public static final String TIME_OFFSET = "scanflow.phpipam-api.time-offset";
    public static final String CA_FILE = "scanflow.phpipam-api.ca-file";
    public static final String TIMEOUT = "scanflow.phpipam-api.timeout";
    public static final String RESOLVE_EMPTY_ONLY = "scanflow.phpipam-api.resolve-empty-only";
    /** Every key of phpIPAM's API settings: read only when the URL is set, still the agent's keys (KnownKeys). */
    public static final java.util.List<String> KEYS = java.util.List.of(URL, APP_ID, APP_CODE, SECURITY, USER, PASSWORD,
            TOKEN_RENEW_BEFORE, TIME_ZONE, CACHE_DIR, CACHE_EXPIRY, TIME_OFFSET, CA_FILE, TIMEOUT, RESOLVE_EMPTY_ONLY);

    public static final Duration DEFAULT_CACHE_EXPIRY = Duration.ofSeconds(1800);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TOKEN_RENEW_BEFORE = Duration.ofSeconds(300);
    public static final String DEFAULT_CACHE_DIR = "cache/phpipam-api";

    private static final Pattern APP_ID_FORM = Pattern.compile("[A-Za-z0-9_=-]{3,12}");
    private static final Pattern AGENT_CODE_FORM = Pattern.compile("[A-Za-z0-9_=-]{32}");
    private static final Pattern APP_CODE_FORM = Pattern.compile("[\\x21-\\x7E]{1,64}");
    private static final Pattern SECONDS = Pattern.compile("([+-]?\\d+)([smh]?)");

    public PhpipamApiSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(security, "security");
        if (security.userToken()) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        } else {
            Objects.requireNonNull(appCode, "appCode");
        }
        Objects.requireNonNull(tokenRenewBefore, "tokenRenewBefore");
        Objects.requireNonNull(phpipamTimeZone, "phpipamTimeZone");
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
        Security security = security(source.string(SECURITY, Security.SSL_CODE.value()));
        requireUsableScheme(url, security);
        String appCode = null;
        String user = null;
        String password = null;
        if (security.userToken()) {
            if (source.raw(APP_CODE) != null) {
                throw new InvalidSettings(APP_CODE + " is not used with " + SECURITY + "=" + security.value()
                        + ": a user token replaces the app code; remove it, or set " + SECURITY + "=ssl_code");
            }
            user = source.required(USER);
            password = source.required(PASSWORD);
            if (user.isBlank() || user.contains(":")) {
                throw new InvalidSettings(USER + " must be a phpIPAM user name (no ':', as HTTP Basic sends it)");
            }
        } else {
            if (source.raw(USER) != null || source.raw(PASSWORD) != null) {
                throw new InvalidSettings(USER + " and " + PASSWORD + " are used only with " + SECURITY
                        + "=ssl_token or none; security ssl_code (\"SSL with App code token\") uses " + APP_CODE);
            }
            appCode = source.required(APP_CODE);
            if (!APP_CODE_FORM.matcher(appCode).matches()) {
                // the value is a secret: say what is wrong with it, never what it is
                throw new InvalidSettings(APP_CODE + " must be the API app's code (printable characters, no spaces)");
            }
        }
        Duration renewBefore = signedDuration(source, TOKEN_RENEW_BEFORE, DEFAULT_TOKEN_RENEW_BEFORE);
        if (renewBefore.isNegative()) {
            throw new InvalidSettings(TOKEN_RENEW_BEFORE + " must not be negative");
        }
        java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(source.string(TIME_ZONE, "UTC"));
        } catch (java.time.DateTimeException e) {
            throw new InvalidSettings(TIME_ZONE + " must be a time zone such as UTC or Europe/Berlin");
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
            dev.scanflow.tls.Pem.trustStore(caFile, CA_FILE); // a CA file that cannot be used stops the start, not the first scan
        }
        Duration timeout = signedDuration(source, TIMEOUT, DEFAULT_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSettings(TIMEOUT + " must be positive");
        }
        return new PhpipamApiSettings(url, appId, security, appCode, user, password, renewBefore, zone, agentCode,
                cacheDir, cacheExpiry, timeOffset, caFile, timeout, source.bool(RESOLVE_EMPTY_ONLY, true));
    }

    private static Security security(String value) {
        for (Security security : Security.values()) {
            if (security.value().equalsIgnoreCase(value.strip())) {
                return security;
            }
        }
        if (value.strip().equalsIgnoreCase("crypt")) {
            throw new InvalidSettings(SECURITY + "=crypt (\"Encrypted\") is not supported: give the app "
                    + "\"SSL with App code token\" (ssl_code) or \"SSL with User token\" (ssl_token) in phpIPAM");
        }
        throw new InvalidSettings(SECURITY + " must be ssl_code (\"SSL with App code token\"), ssl_token (\"SSL with "
                + "User token\") or none (\"User token\"), as the API app's security in phpIPAM");
    }

    /** The one check a real phpIPAM makes first: plain HTTP cannot work for the SSL modes. */
    private static void requireUsableScheme(URI url, Security security) {
        if (!url.getScheme().equals("http")) {
            return;
        }
        if (security.phpipamRequiresHttps()) {
            throw new InvalidSettings(URL + " must be https:// for " + SECURITY + "=" + security
                    + ": phpIPAM answers every plain-HTTP request 503 \"SSL connection is required for API\"");
        }
        if (!isLoopback(url.getHost())) {
            throw new InvalidSettings(URL + " must be https:// (plain http:// only to 127.0.0.1, ::1 or localhost):"
                    + " the user's password and token would cross the network in clear");
        }
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
        return "PhpipamApiSettings[url=" + url + ", appId=" + appId + ", security=" + security.value()
                + (security.userToken() ? ", user=" + user + ", password=****" : ", appCode=****") + ", agentCode="
                + agentCode.substring(0, Math.min(4, agentCode.length())) + "…, cacheDir=" + cacheDir
                + ", cacheExpiry=" + cacheExpiry + ", timeOffset=" + timeOffset + ", caFile=" + caFile
                + ", timeout=" + timeout + ", resolveEmptyOnly=" + resolveEmptyOnly + "]";
    }
}
