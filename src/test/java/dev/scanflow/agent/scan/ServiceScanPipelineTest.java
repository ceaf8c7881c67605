package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.config.AgentSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the pipeline expects masscan's first pass to be over: what the first batch for nmap -sV waits for. */
class ServiceScanPipelineTest {

    private static ServiceScanPipeline pipeline(int rate) {
        return new ServiceScanPipeline(null, null, "masscan", rate, Duration.ofMinutes(5), null, null, null, null, null);
    }

    @Test
    void theFirstPassIsTheCoveredAddressesTimesThePortsOverTheRate() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.4.0/22",
                "scanflow.agent.chunk-prefix.ipv4", "22", "scanflow.agent.ports", "2222,8080",
                "scanflow.agent.exclude-addresses", "198.18.4.0/24");
        var job = new ScanPlanner(settings).plan("198.18.4.0/22").get(0);

        // 768 addresses (the excluded /24 is not probed) x 2 ports at 1,000 packets/s
        assertEquals(Duration.ofMillis(1536), pipeline(1000).firstPass(job));
        assertEquals(Duration.ofMillis(153), pipeline(10_000).firstPass(job));
    }

    @Test
    void aPassLongerThanTheLongestDelayIsNotWaitedFor() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/16",
                "scanflow.agent.chunk-prefix.ipv4", "16");
        var job = new ScanPlanner(settings).plan("198.18.0.0/16").get(0);

        assertEquals(ServiceScanPipeline.MAX_DELAY, pipeline(1000).firstPass(job));
    }
}
