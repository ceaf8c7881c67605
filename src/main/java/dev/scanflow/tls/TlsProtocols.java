package dev.scanflow.tls;

import java.util.List;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;

/** TLS 1.3 and 1.2 only, on every listener and client ScanFlow configures. */
final class TlsProtocols {

    static final List<String> ALLOWED = List.of("TLSv1.3", "TLSv1.2");

    private TlsProtocols() {
    }

    static SecureSocketProtocolsParameters parameters() {
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.getSecureSocketProtocol().addAll(ALLOWED);
        return protocols;
    }
}
