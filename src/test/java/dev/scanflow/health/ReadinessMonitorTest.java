package dev.scanflow.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The monitor answers from memory: a check that hangs or throws reads as DOWN, one that recovers as UP. */
class ReadinessMonitorTest {

    private static Readiness await(ReadinessMonitor monitor, String id, boolean up) throws InterruptedException {
        Readiness current = monitor.current(id);
        for (int i = 0; i < 100 && current.up() != up; i++) {
            Thread.sleep(50);
            current = monitor.current(id);
        }
        return current;
    }

    private static ReadinessContributor contributor(String id, java.util.concurrent.Callable<Readiness> check) {
        return new ReadinessContributor() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public Readiness check() throws Exception {
                return check.call();
            }
        };
    }

    @Test
    void aCheckThatHangsIsDownAfterTheTimeoutAndUpWhenItAnswersAgain() throws Exception {
        AtomicBoolean hang = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        try (ReadinessMonitor monitor = new ReadinessMonitor(Duration.ofMillis(100), Duration.ofMillis(300), Clock.systemUTC());
             DefaultCamelContext context = new DefaultCamelContext()) {
            assertFalse(monitor.current("slow").up(), "not checked yet is not ready");
            monitor.register(contributor("slow", () -> {
                if (hang.get()) {
                    release.await();
                }
                return Readiness.up("fine");
            }));
            monitor.start(context);
            assertTrue(await(monitor, "slow", true).up());
            hang.set(true);
            Readiness down = await(monitor, "slow", false);
            assertFalse(down.up());
            assertTrue(down.message().contains("no answer"), down.message());
            hang.set(false);
            release.countDown();
            assertTrue(await(monitor, "slow", true).up());
        }
    }

    @Test
    void aCheckThatThrowsIsDownWithItsMessageAndCamelSeesIt() throws Exception {
        try (ReadinessMonitor monitor = new ReadinessMonitor(Duration.ofMillis(100), Duration.ofMillis(500), Clock.systemUTC());
             DefaultCamelContext context = new DefaultCamelContext()) {
            monitor.register(contributor("broken", () -> {
                throw new IllegalStateException("no route to the database");
            }));
            context.start();
            monitor.start(context);
            Readiness down = await(monitor, "broken", false);
            // "not checked yet" is DOWN too: wait for the check's own answer, generously (a loaded CI machine)
            for (int i = 0; i < 200 && !"no route to the database".equals(monitor.current("broken").message()); i++) {
                Thread.sleep(50);
            }
            assertEquals("no route to the database", monitor.current("broken").message());
            var result = org.apache.camel.health.HealthCheckHelper.invokeReadiness(context, "full").stream()
                    .filter(r -> r.getCheck().getId().equals("broken")).findFirst().orElseThrow();
            assertEquals(org.apache.camel.health.HealthCheck.State.DOWN, result.getState());
            assertFalse(down.up());
        }
    }
}
