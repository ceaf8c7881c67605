package dev.scanflow.server.observe;

import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.ScanAssembly;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.history.Recorded;
import dev.scanflow.server.intake.AuthorizedReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a whole scan (all its chunks, or those that arrived before the chunk timeout) to the recorder:
 * delta against the subnet's state, history, alerts, in one transaction. Chunks that never came leave
 * their addresses unknown, never gone.
 */
public class ObservationStep {

    private static final Logger LOG = LoggerFactory.getLogger(ObservationStep.class);

    private final ObservationRecorder recorder;

    public ObservationStep(ObservationRecorder recorder) {
        this.recorder = recorder;
    }

    public Recorded record(ScanAssembly assembly, AuthorizedReport authorized) {
        if (!assembly.isComplete()) {
            LOG.warn("scan {} of {} completed without chunks {}: their addresses stay unknown", assembly.scanId(),
                    assembly.subnet(), assembly.missingChunks());
        }
        SubnetKey key = new SubnetKey(authorized.agent().name(), authorized.subnet().id());
        Observation observation = assembly.observation();
        // as phpIPAM: a pool's every address is a host, otherwise not its network and broadcast addresses
        return recorder.record(key, authorized.subnet().cidr(),
                authorized.subnet().isPool() ? observation : observation.withoutNetworkAndBroadcast());
    }
}
