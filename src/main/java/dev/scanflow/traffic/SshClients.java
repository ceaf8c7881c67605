package dev.scanflow.traffic;

import org.apache.sshd.client.ClientBuilder;

/**
 * The SSH client every traffic test uses (bean {@code trafficSshClient}): camel-ssh builds its client from it,
 * so host keys go through {@link KnownHostsVerifier}. camel-ssh's own {@code knownHostsResource} is left unset
 * on purpose: when set, it replaces this verifier with its substring-matching reader.
 */
public final class SshClients {

    private SshClients() {
    }

    public static ClientBuilder strict(KnownHostsVerifier verifier) {
        return ClientBuilder.builder().serverKeyVerifier(verifier);
    }
}
