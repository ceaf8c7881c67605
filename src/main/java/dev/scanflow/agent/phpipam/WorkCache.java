package dev.scanflow.agent.phpipam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * phpIPAM's answers on disk, so a restart does not hammer the API and an API outage does not stop the agent.
 *
 * <p>One JSON file per request under the cache directory, named after the path and a hash of the phpIPAM it
 * came from (its API root) and the whole request (the query may hold the agent code, so it is not in the name),
 * written atomically (temporary file in the same directory, then a move), owner-only where the file system
 * allows. "No results" answers are cached too.
 *
 * <p>Expiry as No Fuss Computing's agent has it: a file is stale when
 * {@code now + time offset >= file mtime + expiry}. A fresh file is answered without any HTTP request.
 * A stale or missing one is fetched again; when that fails because the API is unavailable (no connection,
 * timeout, TLS, HTTP 5xx — {@link PhpipamApiUnavailable}) the stale file is used anyway, the agent logs a
 * WARN and {@link #fallbackActive()} turns 1. Refusals (401/403/400) and malformed answers are never hidden.
 *
 * <p>Within a {@link #round} (one {@link PhpipamWorkSource#fetch()}), after the first unavailable answer the
 * remaining requests go straight to the cache, so an unreachable phpIPAM costs one timeout per round, not one
 * per subnet.
 *
 * <p>Metrics ({@link #bindTo}, or pass a registry to the constructor):
 * {@code scanflow_phpipam_api_cache_fallback} 1 while the last round worked from expired cache because the
 * API was unavailable, else 0; {@code scanflow_phpipam_api_cache_age_seconds} the age of the oldest answer
 * the last round used (0 right after a round that asked the API for everything; NaN before the first round).
 */
public class WorkCache implements PhpipamApi, MeterBinder {

    public static final String FALLBACK_METRIC = "scanflow.phpipam.api.cache.fallback";
    public static final String AGE_METRIC = "scanflow.phpipam.api.cache.age";

    private static final Logger LOG = LoggerFactory.getLogger(WorkCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final PhpipamApi api;
    private final String scope;
    private final Path directory;
    private final Duration expiry;
    private final Duration timeOffset;
    private final Clock clock;
    private final Object roundLock = new Object();

    private final ThreadLocal<Round> current = new ThreadLocal<>();
    private volatile boolean fallback;
    private volatile Instant oldestData;
    /** Answers written before this are treated as expired: set when phpIPAM must be asked again at once. */
    private volatile Instant staleBefore = Instant.MIN;
    /** The same for the agent's identity and assignment only: set at every cycle boundary. */
    private volatile Instant assignmentStaleBefore = Instant.MIN;

    /** What one round used: whether it fell back to expired cache, and the time of its oldest answer. */
    public record RoundResult<T>(T value, boolean fallback, Instant oldestData, String unavailableReason) {
    }

    public WorkCache(PhpipamApi api, PhpipamApiSettings settings, MeterRegistry registry) {
        this(api, settings.apiRoot().toString(), settings.cacheDir(), settings.cacheExpiry(), settings.timeOffset(),
                Clock.systemUTC(), registry);
    }

    /**
     * @param scope    which phpIPAM and app the answers come from (its API root): part of every cache key, so a
     *                 cache directory never answers for another phpIPAM
     * @param registry nullable; when given, the two gauges are registered on it
     */
    public WorkCache(PhpipamApi api, String scope, Path directory, Duration expiry, Duration timeOffset, Clock clock,
                     MeterRegistry registry) {
        this.api = Objects.requireNonNull(api, "api");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.timeOffset = Objects.requireNonNull(timeOffset, "timeOffset");
        this.clock = Objects.requireNonNull(clock, "clock");
        removeLeftoverTemporaryFiles();
        if (registry != null) {
            bindTo(registry);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(FALLBACK_METRIC, this, cache -> cache.fallbackActive() ? 1 : 0)
                .description("1 while the agent works from expired cached phpIPAM answers because the API is unavailable")
                .strongReference(true)
                .register(registry);
        Gauge.builder(AGE_METRIC, this, WorkCache::cachedDataAgeSeconds)
                .description("Age of the oldest phpIPAM answer the agent's last work fetch used")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
    }

    /** Whether the last round (or lone request) used expired cache because the API was unavailable. */
    public boolean fallbackActive() {
        return fallback;
    }

    /** Seconds since the oldest answer the last round used was fetched from the API; NaN before any. */
    public double cachedDataAgeSeconds() {
        Instant oldest = oldestData;
        if (oldest == null) {
            return Double.NaN;
        }
        return Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Runs one piece of work (a whole fetch) as a round: its requests share one outage decision, and the
     * metrics are updated once the work succeeds. A failed round leaves the metrics as they were (so the age
     * keeps growing while nothing new arrives). Rounds do not overlap.
     */
    public <T> RoundResult<T> round(Supplier<T> work) {
        synchronized (roundLock) {
            Round round = new Round();
            current.set(round);
            try {
                T value = work.get();
                publish(round);
                if (round.fallbackCount > 0) {
                    LOG.warn("phpIPAM API unavailable ({}): working from the cache for {} of {} requests, "
                                    + "oldest data {} s old (cache expiry {} s)", round.unavailableReason,
                            round.fallbackCount, round.requests, Math.round(cachedDataAgeSeconds()), expiry.toSeconds());
                }
                return new RoundResult<>(value, round.fallbackCount > 0, round.oldest, round.unavailableReason);
            } finally {
                current.remove();
            }
        }
    }

    @Override
    public ApiResult get(ApiRequest request) {
        Round round = current.get();
        if (round != null) {
            return get(request, round);
        }
        Round lone = new Round();
        ApiResult result = get(request, lone);
        publish(lone);
        if (lone.fallbackCount > 0) {
            LOG.warn("phpIPAM API unavailable ({}): using the cached answer to {} from {} s ago",
                    lone.unavailableReason, request, Math.round(cachedDataAgeSeconds()));
        }
        return result;
    }

    private ApiResult get(ApiRequest request, Round round) {
        round.requests++;
        Path file = fileFor(request);
        Cached cached = read(file, key(request));
        Instant now = clock.instant();
        if (cached != null && !expired(cached.written, now) && !forcedStale(request, cached.written)) {
            round.used(cached.written);
            return cached.result;
        }
        if (round.unavailable != null) {
            // the API already failed as unavailable in this round: do not wait for it again
            return fallBack(request, cached, round, round.unavailable);
        }
        ApiResult fresh;
        try {
            fresh = api.get(request);
        } catch (PhpipamApiUnavailable e) {
            round.unavailable = e;
            round.unavailableReason = e.getMessage();
            return fallBack(request, cached, round, e);
        }
        write(file, request, fresh);
        round.used(clock.instant());
        return fresh;
    }

    private ApiResult fallBack(ApiRequest request, Cached cached, Round round, PhpipamApiUnavailable cause) {
        if (cached == null) {
            throw cause;
        }
        round.fallbackCount++;
        round.used(cached.written);
        LOG.debug("phpIPAM API unavailable: answering {} from the cache written {}", request, cached.written);
        return cached.result;
    }

    /**
     * Everything cached is asked again on its next use (the API still unavailable: the cache still answers).
     * For when ScanFlow's server refused a report (403): what phpIPAM said may no longer hold.
     */
    public void invalidate() {
        staleBefore = clock.instant().plusNanos(1);
    }

    /**
     * The agent's own row and its subnet list are asked again on their next use; addresses, nameservers and
     * children stay cached while fresh. Called at every cycle boundary, so a wrong or revoked app code (401,
     * 403) and a subnet taken away show at the next cycle, not at cache expiry.
     */
    public void invalidateAssignment() {
        assignmentStaleBefore = clock.instant().plusNanos(1);
    }

    private boolean forcedStale(ApiRequest request, Instant written) {
        if (written.isBefore(staleBefore)) {
            return true;
        }
        boolean assignment = request.path().equals("tools/scanagents/") || request.path().equals("subnets/");
        return assignment && written.isBefore(assignmentStaleBefore);
    }

    /** NFC: stale when now + epoch_time_offset >= mtime + cache_expire_time. */
    boolean expired(Instant written, Instant now) {
        return !now.plus(timeOffset).isBefore(written.plus(expiry));
    }

    private void publish(Round round) {
        fallback = round.fallbackCount > 0;
        oldestData = round.oldest == null ? clock.instant() : round.oldest;
    }

    /** The cache file for a request: readable path part plus a hash of scope, path and query. */
    Path fileFor(ApiRequest request) {
        String readable = request.path().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
        return directory.resolve(readable + "-" + key(request).substring(0, 16) + ".json");
    }

    private String key(ApiRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((scope + "\n" + request.pathAndQuery()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Cached(ApiResult result, Instant written) {
    }

    private Cached read(Path file, String key) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            JsonNode stored = JSON.readTree(Files.readAllBytes(file));
            if (stored == null || stored.path("format").asInt() != FORMAT || !key.equals(stored.path("key").asText())) {
                LOG.warn("ignoring cache file {}: not written by this version for this phpIPAM and request", file);
                return null;
            }
            ApiResult result = stored.path("noResults").asBoolean()
                    ? ApiResult.noResults(stored.path("message").asText(null))
                    : ApiResult.of(stored.get("data"));
            return new Cached(result, modified.toInstant());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("ignoring unreadable cache file {}: {}", file, e.getMessage());
            return null;
        }
    }

    private void write(Path file, ApiRequest request, ApiResult result) {
        ObjectNode stored = JSON.createObjectNode();
        stored.put("format", FORMAT);
        stored.put("key", key(request));
        stored.put("path", request.path());
        stored.put("noResults", !result.hasResults());
        if (result.message() != null) {
            stored.put("message", result.message());
        }
        stored.set("data", result.data());
        Path temporary = null;
        try {
            createDirectory();
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            Files.write(temporary, JSON.writeValueAsBytes(stored));
            Files.setLastModifiedTime(temporary, FileTime.from(clock.instant()));
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot write the phpIPAM API cache file {}: {} (working without the cache for it)", file,
                    e.toString());
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    /** Temporary files a killed process left behind. */
    private void removeLeftoverTemporaryFiles() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            LOG.debug("could not clean up {}: {}", directory, e.toString());
        }
    }

    private static final class Round {
        int requests;
        int fallbackCount;
        Instant oldest;
        PhpipamApiUnavailable unavailable;
        String unavailableReason;

        void used(Instant written) {
            if (oldest == null || written.isBefore(oldest)) {
                oldest = written;
            }
        }
    }

    @Override
    public String toString() {
        return "WorkCache[" + directory + ", expiry " + expiry.toSeconds() + " s, offset " + timeOffset.toSeconds() + " s]";
    }
}
