package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * phpIPAM's REST API over HTTP(S), the way an app with Read permission is used (docs/phpipam.md §3):
 * {@code GET {url}/api/{app-id}/{path}} with header {@code token}, JSON envelope
 * {@code code/success/message/data/time}. The token is the app code (ssl_code), or a user token
 * (ssl_token, none) from {@code POST {url}/api/{app-id}/user/} with HTTP Basic, renewed
 * {@code token-renew-before} ahead of its {@code expires}, and once more at a 401 (phpIPAM forgot it).
 *
 * <p>How answers are read:
 * <ul>
 *   <li>2xx with success → {@link ApiResult#of data};</li>
 *   <li>404 in phpIPAM's envelope (success=false) → {@link ApiResult#noResults} with phpIPAM's message;
 *       a 404 without the envelope means the URL is wrong and throws;</li>
 *   <li>401, 403 and 400 "Invalid application id" → {@link PhpipamApiUnauthorized};</li>
 *   <li>5xx (503 "API server disabled", "Application disabled", "SSL connection is required for API"),
 *       no connection, timeouts and TLS failures → {@link PhpipamApiUnavailable};</li>
 *   <li>anything else (other 4xx, redirects, a body that is not the envelope) → {@link PhpipamApiException}.</li>
 * </ul>
 * Redirects are never followed (phpIPAM's 401 carries a Location header). The app code, the password and
 * the user token are never logged nor put in a message. Thread-safe.
 */
public class PhpipamApiClient implements PhpipamApi {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PhpipamApiClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_AGENT = "scanflow-agent (phpIPAM API client)";

    private final PhpipamApiSettings settings;
    private final URI apiRoot;
    private final HttpClient http;
    private final UserToken userToken;

    public PhpipamApiClient(PhpipamApiSettings settings) {
        this.settings = settings;
        this.apiRoot = settings.apiRoot();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (settings.caFile() != null) {
            builder.sslContext(dev.scanflow.tls.Pem.trustOnly(settings.caFile(), PhpipamApiSettings.CA_FILE));
        }
        this.http = builder.build();
        this.userToken = new UserToken(settings.tokenRenewBefore(), java.time.Clock.systemUTC());
    }

    /** {url}/api/{app-id}/ */
    public URI apiRoot() {
        return apiRoot;
    }

    @Override
    public ApiResult get(ApiRequest request) {
        if (!settings.security().userToken()) {
            return get(request, settings.appCode());
        }
        UserToken.Issued token = userToken.current(() -> login());
        try {
            return get(request, token.token());
        } catch (PhpipamApiUnauthorized e) {
            if (e.status() != 401) {
                throw e;
            }
            // phpIPAM forgot the token (expired early, revoked, phpIPAM's clock or zone not as configured): once more
            userToken.forget(token);
            return get(request, userToken.current(() -> login()).token());
        }
    }

    private ApiResult get(ApiRequest request, String token) {
        URI uri = apiRoot.resolve(request.pathAndQuery());
        HttpRequest httpRequest = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(settings.timeout())
                .header("token", token)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .build();
        return exchange(request.toString(), httpRequest);
    }

    /**
     * {@code POST /api/{app}/user/} with HTTP Basic: phpIPAM's user token and when it expires
     * ({@code {"token": "...", "expires": "2026-11-30 21:00:00"}}, in phpIPAM's PHP time zone).
     */
    private UserToken.Issued login() {
        String basic = java.util.Base64.getEncoder().encodeToString(
                (settings.user() + ":" + settings.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpRequest httpRequest = HttpRequest.newBuilder(apiRoot.resolve("user/"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(settings.timeout())
                .header("Authorization", "Basic " + basic)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT)
                .build();
        ApiResult result = exchange("user/ (token for user " + settings.user() + ")", httpRequest);
        JsonNode data = result.data();
        String token = data == null ? null : ApiValues.text(data, "token");
        String expires = data == null ? null : ApiValues.text(data, "expires");
        if (token == null || token.isBlank()) {
            throw new PhpipamApiException(200, "phpIPAM API " + apiRoot + "user/ gave no token for user " + settings.user());
        }
        java.time.Instant expiresAt = UserToken.parseExpires(expires, settings.phpipamTimeZone());
        LOG.info("phpIPAM user token for {} obtained, expires {} ({})", settings.user(), expires, settings.phpipamTimeZone());
        return new UserToken.Issued(token, expiresAt);
    }

    private ApiResult exchange(String what, HttpRequest httpRequest) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new PhpipamApiUnavailable(0, where(what) + ": no connection within " + seconds(settings.timeout()), e);
        } catch (HttpTimeoutException e) {
            throw new PhpipamApiUnavailable(0, where(what) + ": no answer within " + seconds(settings.timeout()), e);
        } catch (SSLException e) {
            throw new PhpipamApiUnavailable(0, where(what) + ": TLS failed (" + e.getMessage() + "); if phpIPAM's "
                    + "certificate is signed by a private CA, set " + PhpipamApiSettings.CA_FILE + " to that CA's PEM file", e);
        } catch (ConnectException e) {
            String reason = e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage();
            throw new PhpipamApiUnavailable(0, where(what) + ": cannot connect (" + reason + ")", e);
        } catch (IOException e) {
            throw new PhpipamApiUnavailable(0, where(what) + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhpipamApiUnavailable(0, where(what) + ": interrupted", e);
        }
        return read(what, response.statusCode(), response.body(),
                response.headers().firstValue("Location").orElse(null));
    }

    private ApiResult read(String request, int status, byte[] body, String location) {
        JsonNode envelope = envelope(body);
        String message = envelope == null ? null : ApiValues.text(envelope, "message");
        String said = message == null ? "" : " \"" + message + "\"";
        if (status >= 200 && status < 300) {
            if (envelope == null) {
                throw new PhpipamApiException(status, where(request) + " answered HTTP " + status
                        + " without phpIPAM's JSON envelope: is " + PhpipamApiSettings.URL + " phpIPAM's base URL?");
            }
            if (envelope.has("success") && !ApiValues.flag(envelope, "success")) {
                throw new PhpipamApiException(status, where(request) + " answered success=false" + said);
            }
            return ApiResult.of(envelope.get("data"));
        }
        if (status == 404 && envelope != null) {
            return ApiResult.noResults(message);
        }
        if (status == 401 || status == 403) {
            throw new PhpipamApiUnauthorized(status, settings.security().userToken()
                    ? "phpIPAM refused user " + settings.user() + " or its token (HTTP " + status + said + ") for app "
                    + settings.appId() + ": check " + PhpipamApiSettings.USER + ", " + PhpipamApiSettings.PASSWORD + " and "
                    + PhpipamApiSettings.APP_ID + " (the app's security must be \"" + settings.security().label() + "\")"
                    : "phpIPAM refused the app code (HTTP " + status + said
                    + ") for app " + settings.appId() + ": check " + PhpipamApiSettings.APP_CODE + " and "
                    + PhpipamApiSettings.APP_ID + " (the app's security must be \"SSL with App code token\")");
        }
        if (status == 400 && message != null && message.toLowerCase(java.util.Locale.ROOT).contains("application id")) {
            throw new PhpipamApiUnauthorized(status, "phpIPAM does not know app id " + settings.appId() + " (HTTP 400"
                    + said + "): check " + PhpipamApiSettings.APP_ID);
        }
        if (status == 503) {
            throw new PhpipamApiUnavailable(status, where(request) + " answered HTTP 503" + said + hint503(message));
        }
        if (status >= 500) {
            throw new PhpipamApiUnavailable(status, where(request) + " answered HTTP " + status + said);
        }
        if (status == 404) {
            throw new PhpipamApiException(status, where(request) + " answered HTTP 404 without phpIPAM's envelope: is "
                    + PhpipamApiSettings.URL + " phpIPAM's base URL, with pretty URLs (mod_rewrite) on?");
        }
        if (status >= 300 && status < 400) {
            throw new PhpipamApiException(status, where(request) + " answered a redirect (HTTP " + status + ") to "
                    + location + ": set " + PhpipamApiSettings.URL + " to the URL phpIPAM is really served at");
        }
        throw new PhpipamApiException(status, where(request) + " answered HTTP " + status + said);
    }

    private static String hint503(String message) {
        if (message == null) {
            return "";
        }
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("api server disabled")) {
            return ": phpIPAM's API is switched off (Administration › phpIPAM settings › API)";
        }
        if (lower.contains("application disabled")) {
            return ": the API app's permission is \"Disabled\" (Administration › API)";
        }
        if (lower.contains("ssl")) {
            return ": phpIPAM wants HTTPS for this app; use an https:// " + PhpipamApiSettings.URL;
        }
        return "";
    }

    /** The parsed body when it is a JSON object with phpIPAM's "code" or "success", else null. */
    private static JsonNode envelope(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() && (node.has("code") || node.has("success")) ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private String where(String request) {
        return "phpIPAM API " + apiRoot + request;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    @Override
    public String toString() {
        return "PhpipamApiClient[" + apiRoot + "]";
    }
}
