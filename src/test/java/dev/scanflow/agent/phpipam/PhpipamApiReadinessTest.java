package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.observe.PhpipamApiReadiness;
import dev.scanflow.health.Readiness;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An API-mode agent is ready while phpIPAM's API answers, and not while it scans from its cache instead. */
class PhpipamApiReadinessTest {

    @TempDir
    Path home;

    @Test
    void readyWhileTheApiAnswersNotReadyWhileTheCacheStandsIn() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-04T10:00:00Z"));
        FakePhpipam phpipam = FakePhpipam.start().documentedSite();
        PhpipamApiSettings settings = phpipam.settings(home);
        WorkCache cache = new WorkCache(new PhpipamApiClient(settings), settings.apiRoot().toString(),
                settings.cacheDir(), settings.cacheExpiry(), settings.timeOffset(), clock, null);
        PhpipamWorkSource source = new PhpipamWorkSource(cache, settings.agentCode(), settings.resolveEmptyOnly());
        PhpipamApiReadiness readiness = new PhpipamApiReadiness(source);

        assertEquals("phpIPAM's API not asked yet", readiness.check().message());
        source.fetch();
        assertTrue(readiness.check().up(), readiness.check().message());

        phpipam.close(); // connection refused from now on
        clock.advance(Duration.ofHours(2));
        source.fetch();
        Readiness down = readiness.check();
        assertFalse(down.up());
        assertEquals("phpIPAM's API did not answer; scanning from a cache 7200 s old", down.message());
    }
}
