package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk cache: expiry with the time offset, restarts, and working through an API outage. */
class WorkCacheTest {

    /** The agent's own row and its subnet list: asked at every cycle (fetch), whatever the cache holds. */
    private static final int ASSIGNMENT = 2;


    private static final List<String> SCANNED = List.of("fd13:6d20:29dc:cf27::/64", "10.10.1.0/24", "10.30.5.0/24");

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-04T10:00:00Z"));
    private FakePhpipam phpipam;

    @BeforeEach
    void start() throws IOException {
        phpipam = FakePhpipam.start().documentedSite();
    }

    @AfterEach
    void stop() {
        phpipam.close();
    }

    /** A fresh agent process: new client, new cache object, same cache directory. */
    private PhpipamWorkSource agent(MeterRegistry registry, String... keyValues) {
        PhpipamApiSettings settings = phpipam.settings(home, keyValues);
        WorkCache cache = new WorkCache(new PhpipamApiClient(settings), settings.apiRoot().toString(),
                settings.cacheDir(), settings.cacheExpiry(), settings.timeOffset(), clock, registry);
        return new PhpipamWorkSource(cache, settings.agentCode(), settings.resolveEmptyOnly());
    }

    private PhpipamWorkSource agent(String... keyValues) {
        return agent(null, keyValues);
    }

    private Path cacheDir() {
        return home.resolve(PhpipamApiSettings.DEFAULT_CACHE_DIR);
    }

    @Test
    void aRestartWithAFreshCacheAsksOnlyWhoTheAgentIsAndWhatItScans() {
        ScanWork first = agent().fetch();
        int requests = phpipam.requestCount();
        assertTrue(requests > 0);

        clock.advance(Duration.ofMinutes(10));
        ScanWork afterRestart = agent().fetch();

        assertEquals(requests + ASSIGNMENT, phpipam.requestCount(), "a fresh cache answers all but the agent and its subnets");
        assertEquals(first.subnets(), afterRestart.subnets());
        assertEquals(first.skipped(), afterRestart.skipped());
        assertFalse(afterRestart.fromCache(), "fresh cache is normal work, not a fallback");
    }

    @Test
    void aSubnetTakenAwayAndARevokedAppCodeShowAtTheNextCycleNotAtCacheExpiry() {
        PhpipamWorkSource agent = agent();
        assertTrue(agent.fetch().cidrs().contains("10.30.5.0/24"));
        phpipam.subnets.stream().filter(row -> row.get("id").equals(9)).findFirst().orElseThrow().put("scanAgent", 3);

        clock.advance(Duration.ofMinutes(1));
        assertFalse(agent.fetch().cidrs().contains("10.30.5.0/24"), "reassigned in phpIPAM a minute ago: no longer scanned");

        phpipam.appCode = "Revoked-and-replaced-code-000000";
        clock.advance(Duration.ofMinutes(1));
        PhpipamApiUnauthorized refused = assertThrows(PhpipamApiUnauthorized.class, agent::fetch);
        assertEquals(401, refused.status(), "the fresh cache does not hide a revoked app code");
    }

    @Test
    void aReportTheServerRefusedMakesTheAgentAskPhpipamForEverythingAtOnce() {
        PhpipamWorkSource agent = agent();
        agent.fetch();
        int requests = phpipam.requestCount();
        phpipam.address(20, 3, "10.10.1.20", "new.cust1.local");
        clock.advance(Duration.ofMinutes(1));

        agent.revalidate();

        assertEquals(2 * requests, phpipam.requestCount(), "every answer asked again, though all were fresh");
        assertEquals(5, agent.lastWork().orElseThrow().subnet("10.10.1.0/24").orElseThrow().knownAddresses().size());
    }

    @Test
    void aCacheWrittenForAnotherPhpipamIsNeverUsed() throws IOException {
        agent().fetch();
        try (FakePhpipam other = FakePhpipam.start().documentedSite()) {
            PhpipamApiSettings settings = other.settings(home);
            WorkCache cache = new WorkCache(new PhpipamApiClient(settings), settings.apiRoot().toString(),
                    settings.cacheDir(), settings.cacheExpiry(), settings.timeOffset(), clock, null);

            new PhpipamWorkSource(cache, settings.agentCode(), true).fetch();

            assertEquals(phpipam.requestCount(), other.requestCount(), "the same requests, asked of the other phpIPAM");
        }
    }

    @Test
    void theCacheExpiresAfter1800SecondsByDefault() {
        PhpipamWorkSource agent = agent();
        agent.fetch();
        int requests = phpipam.requestCount();

        clock.advance(Duration.ofSeconds(1799));
        agent.fetch();
        assertEquals(requests + ASSIGNMENT, phpipam.requestCount(), "1799 s old: still fresh");

        clock.advance(Duration.ofSeconds(1)); // now + 0 >= mtime + 1800
        agent.fetch();
        assertEquals(2 * requests + ASSIGNMENT, phpipam.requestCount(), "1800 s old: every answer asked again");
    }

    @Test
    void theConfiguredExpiryIsHonoured() {
        PhpipamWorkSource agent = agent(PhpipamApiSettings.CACHE_EXPIRY, "60s");
        agent.fetch();
        int requests = phpipam.requestCount();

        clock.advance(Duration.ofSeconds(59));
        agent.fetch();
        assertEquals(requests + ASSIGNMENT, phpipam.requestCount());

        clock.advance(Duration.ofSeconds(1));
        agent.fetch();
        assertEquals(2 * requests + ASSIGNMENT, phpipam.requestCount());
    }

    @Test
    void aPositiveTimeOffsetExpiresTheCacheSooner() {
        PhpipamWorkSource agent = agent(PhpipamApiSettings.TIME_OFFSET, "1500");
        agent.fetch();
        int requests = phpipam.requestCount();

        clock.advance(Duration.ofSeconds(299)); // 299 + 1500 < 1800
        agent.fetch();
        assertEquals(requests + ASSIGNMENT, phpipam.requestCount());

        clock.advance(Duration.ofSeconds(1)); // 300 + 1500 >= 1800
        agent.fetch();
        assertEquals(2 * requests + ASSIGNMENT, phpipam.requestCount());
    }

    @Test
    void aNegativeTimeOffsetKeepsTheCacheLonger() {
        PhpipamWorkSource agent = agent(PhpipamApiSettings.TIME_OFFSET, "-10m");
        agent.fetch();
        int requests = phpipam.requestCount();

        clock.advance(Duration.ofSeconds(1800 + 599));
        agent.fetch();
        assertEquals(requests + ASSIGNMENT, phpipam.requestCount());

        clock.advance(Duration.ofSeconds(1));
        agent.fetch();
        assertEquals(2 * requests + ASSIGNMENT, phpipam.requestCount());
    }

    @Test
    void noResultsAnswersAreCachedToo() {
        phpipam.agent(4, "idle", "mysql", "IdleIdleIdleIdleIdleIdleIdle0000");
        PhpipamWorkSource idle = agent(PhpipamApiSettings.AGENT_CODE, "IdleIdleIdleIdleIdleIdleIdle0000");

        idle.fetch();
        clock.advance(Duration.ofMinutes(5));
        ScanWork again = idle.fetch();

        assertTrue(again.isEmpty());
        assertEquals(2 * ASSIGNMENT, phpipam.requestCount(),
                "agent lookup and the 404 'No results (filter applied)', asked at every cycle");
    }

    @Test
    void cacheFilesAreWholeOwnerOnlyAndDoNotNameTheAgentCode() throws IOException {
        agent().fetch();

        List<Path> files;
        try (Stream<Path> listing = Files.list(cacheDir())) {
            files = listing.toList();
        }
        assertEquals(10, files.size(), files.toString()); // one per request the fetch made
        assertEquals(phpipam.requestCount(), files.size());
        for (Path file : files) {
            String name = file.getFileName().toString();
            assertTrue(name.endsWith(".json") && !name.startsWith("."), "no temporary file left: " + name);
            assertFalse(name.contains(FakePhpipam.AGENT_CODE), name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), name);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir())));
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("subnets_3_addresses-")));
    }

    @Test
    void aTemporaryFileLeftByAKilledProcessIsRemovedAndNeverRead() throws IOException {
        Files.createDirectories(cacheDir());
        Path leftover = Files.writeString(cacheDir().resolve(".subnets-0123456789abcdef.json123.tmp"), "{\"half");

        agent().fetch();

        assertFalse(Files.exists(leftover));
    }

    @Test
    void aDamagedCacheFileIsIgnoredAndRewritten() throws IOException {
        PhpipamWorkSource agent = agent();
        agent.fetch();
        int requests = phpipam.requestCount();
        Path addresses;
        try (Stream<Path> listing = Files.list(cacheDir())) {
            addresses = listing.filter(f -> f.getFileName().toString().startsWith("subnets_3_addresses-"))
                    .findFirst().orElseThrow();
        }
        Files.writeString(addresses, "{\"format\":1,\"key\":\"somethingelse\"");

        ScanWork work = agent().fetch();

        assertEquals(requests + 1 + ASSIGNMENT, phpipam.requestCount(), "only the damaged answer is asked again");
        assertEquals(4, work.subnet("10.10.1.0/24").orElseThrow().knownAddresses().size());
    }

    @Test
    void whenTheApiIsDownTheAgentWorksFromTheExpiredCacheAndSaysSoInLogAndMetrics() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PhpipamWorkSource agent = agent(registry);
        agent.fetch();
        assertTrue(registry.scrape().contains("scanflow_phpipam_api_cache_fallback 0.0"), registry.scrape());

        phpipam.close(); // connection refused from now on
        clock.advance(Duration.ofHours(2));
        ScanWork work;
        try (LogCapture log = LogCapture.of(WorkCache.class)) {
            work = agent.fetch();
            assertEquals(1, log.warnings().size(), log.lines().toString());
            String warning = log.warnings().get(0);
            assertTrue(warning.contains("phpIPAM API unavailable"), warning);
            assertTrue(warning.contains("cannot connect"), warning);
            assertTrue(warning.contains("7200 s old"), warning);
        }

        assertEquals(SCANNED, work.cidrs());
        assertTrue(work.fromCache());
        assertEquals(Instant.parse("2026-05-04T10:00:00Z"), work.dataTime());
        WorkCache cache = agent.cache().orElseThrow();
        assertTrue(cache.fallbackActive());
        assertEquals(7200.0, cache.cachedDataAgeSeconds());
        String scrape = registry.scrape();
        assertTrue(scrape.contains("scanflow_phpipam_api_cache_fallback 1.0"), scrape);
        assertTrue(scrape.contains("scanflow_phpipam_api_cache_age_seconds 7200.0"), scrape);

        clock.advance(Duration.ofMinutes(5));
        assertEquals(7500.0, cache.cachedDataAgeSeconds(), "the age keeps growing while nothing new arrives");
    }

    @Test
    void api503FallsBackOnceAskedAndRecoveryClearsTheFlag() {
        PhpipamWorkSource agent = agent();
        agent.fetch();
        int requests = phpipam.requestCount();
        WorkCache cache = agent.cache().orElseThrow();

        phpipam.apiEnabled = false; // 503 "API server disabled"
        clock.advance(Duration.ofHours(1));
        try (LogCapture log = LogCapture.of(WorkCache.class)) {
            ScanWork work = agent.fetch();
            assertEquals(SCANNED, work.cidrs());
            assertTrue(log.warnings().get(0).contains("API server disabled"), log.warnings().toString());
        }
        assertEquals(requests + 1, phpipam.requestCount(), "after the first 503 the round goes to the cache directly");
        assertTrue(cache.fallbackActive());

        phpipam.apiEnabled = true;
        ScanWork back = agent.fetch();

        assertFalse(back.fromCache());
        assertFalse(cache.fallbackActive());
        assertEquals(0.0, cache.cachedDataAgeSeconds());
        assertEquals(requests + 1 + requests, phpipam.requestCount());
    }

    @Test
    void anUnansweringApiCostsOneTimeoutPerRound() {
        PhpipamWorkSource agent = agent(PhpipamApiSettings.TIMEOUT, "2s"); // a TLS handshake on a loaded machine fits
        agent.fetch();
        int requests = phpipam.requestCount();

        phpipam.delay = Duration.ofSeconds(5);
        clock.advance(Duration.ofHours(1));
        long started = System.nanoTime();
        ScanWork work = agent.fetch();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(SCANNED, work.cidrs());
        assertTrue(work.fromCache());
        assertEquals(requests + 1, phpipam.requestCount());
        assertTrue(tookMillis < 4500, "one timeout, not one per request: " + tookMillis + " ms");
    }

    @Test
    void zeroExpiryAlwaysAsksTheApiButKeepsTheCacheForOutages() {
        PhpipamWorkSource agent = agent(PhpipamApiSettings.CACHE_EXPIRY, "0");
        agent.fetch();
        int requests = phpipam.requestCount();
        agent.fetch();
        assertEquals(2 * requests, phpipam.requestCount());

        phpipam.proxyStatus = 502;
        ScanWork work = agent.fetch();

        assertEquals(SCANNED, work.cidrs());
        assertTrue(work.fromCache());
    }

    @Test
    void theApiDownWithNothingCachedIsAClearError() {
        phpipam.close();

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class, () -> agent().fetch());

        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        assertTrue(e.getMessage().contains("tools/scanagents/"), e.getMessage());
        assertFalse(e.getMessage().contains(FakePhpipam.AGENT_CODE), e.getMessage());
    }

    @Test
    void aRefusedAppCodeIsNotHiddenByAnExpiredCache() {
        agent().fetch();
        clock.advance(Duration.ofHours(1));

        PhpipamWorkSource wrongCode = agent(PhpipamApiSettings.APP_CODE, "WrongWrongWrongWrongWrongWrong12");

        assertThrows(PhpipamApiUnauthorized.class, wrongCode::fetch);
    }

    @Test
    void theAgeIsNotANumberBeforeTheFirstFetchAndTheFlagIsOff() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkCache cache = agent(registry).cache().orElseThrow();

        assertTrue(Double.isNaN(cache.cachedDataAgeSeconds()));
        assertFalse(cache.fallbackActive());
        assertTrue(registry.scrape().contains("scanflow_phpipam_api_cache_age_seconds NaN"), registry.scrape());
    }
}
