package dev.tidings.problem;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThat;

class FailureTextTest {

    @Test
    void aTlsFailureLosesTheJdksClassNamesAndKeepsItsReason() {
        SSLHandshakeException failure = new SSLHandshakeException("PKIX path building failed: "
                + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target");

        assertThat(FailureText.of(failure, "none"))
                .isEqualTo("PKIX path building failed: unable to find valid certification path to requested target");
    }

    @Test
    void aSimpleExceptionNameInAMessageIsLeftOut() {
        assertThat(FailureText.of(new IOException("SSLHandshakeException: Received fatal alert: handshake_failure"), "none"))
                .isEqualTo("Received fatal alert: handshake_failure");
    }

    @Test
    void aPlainMessageIsKeptAsItIs() {
        assertThat(FailureText.of(new ConnectException("Connection refused: receiver.example/10.0.0.7:443"), "none"))
                .isEqualTo("Connection refused: receiver.example/10.0.0.7:443");
    }

    @Test
    void aFailureWithoutAMessageOrWithOnlyAClassNameIsDescribedInstead() {
        assertThat(FailureText.of(new ClosedChannelException(), "Connection closed")).isEqualTo("Connection closed");
        assertThat(FailureText.of(new IOException("java.nio.channels.ClosedChannelException"), "Connection closed"))
                .isEqualTo("Connection closed");
    }
}
