package dev.scanflow.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test moves: a burst, then refusals naming the wait, then refill; per name. */
class RateLimitsTest {

    @Test
    void aBurstThenRefusedWithTheWaitInWholeSecondsThenLetThroughAgain() {
        AtomicLong now = new AtomicLong(0);
        RateLimits limits = new RateLimits(0.5, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(limits.take("alice").isEmpty(), "request " + i + " of the burst");
        }
        assertEquals(OptionalLong.of(2), limits.take("alice"), "one request per 2 s");
        assertTrue(limits.take("bob").isEmpty(), "another token has its own bucket");
        now.addAndGet(1_000_000_000L);
        assertEquals(OptionalLong.of(1), limits.take("alice"), "half a request refilled: 1 s to go");
        now.addAndGet(1_000_000_000L);
        assertTrue(limits.take("alice").isEmpty());
        assertEquals(OptionalLong.of(2), limits.take("alice"));
        now.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(limits.take("alice").isEmpty(), "an idle hour refills no more than the burst");
        }
        assertTrue(limits.take("alice").isPresent());
    }
}
