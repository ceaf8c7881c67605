package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsVerifierTest {

    @TempDir
    Path dir;

    private static PublicKey key;
    private static PublicKey otherKey;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        key = generator.generateKeyPair().getPublic();
        otherKey = generator.generateKeyPair().getPublic();
    }

    private KnownHostsVerifier verifier(String... lines) throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return new KnownHostsVerifier(file);
    }

    private static String line(String names, PublicKey publicKey) {
        return names + " " + PublicKeyEntry.toString(publicKey);
    }

    @Test
    void anAddressNeverMatchesALineForALongerAddressThatStartsWithIt() throws Exception {
        KnownHostsVerifier verifier = verifier(line("198.18.0.12", key), line("198.18.0.10,198.18.0.100", key));

        assertEquals(KnownHostsVerifier.Refusal.UNKNOWN_HOST, verifier.check("198.18.0.1", 22, key));
        assertNull(verifier.check("198.18.0.12", 22, key));
    }

    @Test
    void aPortOtherThan22NeedsTheBracketedForm() throws Exception {
        KnownHostsVerifier verifier = verifier(line("198.18.0.11", key), line("[198.18.0.12]:2222", key));

        assertEquals(KnownHostsVerifier.Refusal.UNKNOWN_HOST, verifier.check("198.18.0.11", 2222, key));
        assertNull(verifier.check("198.18.0.12", 2222, key));
        assertEquals(KnownHostsVerifier.Refusal.UNKNOWN_HOST, verifier.check("198.18.0.12", 22, key));
    }

    @Test
    void aDifferentKeyForAKnownNameIsAChangedKey() throws Exception {
        KnownHostsVerifier verifier = verifier(line("198.18.0.11", otherKey));

        assertEquals(KnownHostsVerifier.Refusal.CHANGED_KEY, verifier.check("198.18.0.11", 22, key));
    }

    @Test
    void hashedNamesAreMatchedLikeOpenSsh() throws Exception {
        byte[] salt = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        KnownHostsVerifier verifier = verifier(line(hashed("[198.18.0.12]:2222", salt), key));

        assertNull(verifier.check("198.18.0.12", 2222, key));
        assertEquals(KnownHostsVerifier.Refusal.UNKNOWN_HOST, verifier.check("198.18.0.1", 2222, key));
        assertEquals(KnownHostsVerifier.Refusal.CHANGED_KEY, verifier.check("198.18.0.12", 2222, otherKey));
    }

    @Test
    void aRevokedKeyIsRefusedEvenWhenAnotherLineAcceptsIt() throws Exception {
        KnownHostsVerifier verifier = verifier(line("198.18.0.11", key), "@revoked " + line("198.18.0.11", key));

        assertEquals(KnownHostsVerifier.Refusal.REVOKED_KEY, verifier.check("198.18.0.11", 22, key));
    }

    @Test
    void aCertificateAuthorityLineAcceptsNoPlainKeyAndANegatedNameExcludes() throws Exception {
        KnownHostsVerifier verifier = verifier("@cert-authority " + line("198.18.0.11", key),
                line("198.18.0.13,!198.18.0.14", key));

        assertEquals(KnownHostsVerifier.Refusal.UNKNOWN_HOST, verifier.check("198.18.0.11", 22, key));
        assertNull(verifier.check("198.18.0.13", 22, key));
        assertEquals(KnownHostsVerifier.Refusal.UNKNOWN_HOST, verifier.check("198.18.0.14", 22, key));
    }

    @Test
    void aMissingFileRefusesEveryHost() {
        KnownHostsVerifier verifier = new KnownHostsVerifier(dir.resolve("absent"));

        assertEquals(KnownHostsVerifier.Refusal.KNOWN_HOSTS_UNREADABLE, verifier.check("198.18.0.11", 22, key));
    }

    /** OpenSSH's HashKnownHosts form: |1|base64(salt)|base64(HMAC-SHA1(salt, name)). */
    private static String hashed(String name, byte[] salt) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        Base64.Encoder b64 = Base64.getEncoder();
        return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
    }
}
