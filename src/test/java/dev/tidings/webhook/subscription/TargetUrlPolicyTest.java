package dev.tidings.webhook.subscription;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetUrlPolicyTest {

    private final TargetUrlPolicy strict = new TargetUrlPolicy(false, false);

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/", "https://127.1/", "https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/",
            "https://0.0.0.0/", "https://10.1.2.3/", "https://100.64.0.1/", "https://100.127.255.255/", "https://169.254.169.254/latest",
            "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.1.1/", "https://224.0.0.1/", "https://255.255.255.255/",
            "https://[::]/", "https://[::1]/", "https://[fc00::1]/", "https://[fd12:3456::1]/", "https://[fe80::1]/",
            "https://[fec0::1]/", "https://[ff02::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:10.0.0.1]/",
            "https://[64:ff9b::7f00:1]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[::127.0.0.1]/", "https://[::a00:1]/",
            "https://0x0a.0.0.1/", "https://012.0.0.1/", "https://167772161/"})
    void refusesEverySpellingOfAPrivateAddress(String url) {
        assertThatThrownBy(() -> strict.parse(url)).isInstanceOf(RefusedTarget.class).hasMessageContaining("address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://192.0.0.8/", "https://198.18.0.1/", "https://198.19.255.255/", "https://[2002:7f00:1::]/",
            "https://[2002:808:808::1]/", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "https://[64:ff9b:1::a00:1]/",
            "https://[64:ff9b:1::808:808]/"})
    void refusesSpecialPurposeRangesAndTunnels(String url) {
        assertThatThrownBy(() -> strict.parse(url)).isInstanceOf(RefusedTarget.class).hasMessageContaining("address");
    }

    @Test
    void aRefusalDoesNotNameTheAddress() throws Exception {
        assertThatThrownBy(() -> strict.check(InetAddress.getByName("10.1.2.3"))).message().doesNotContain("10.1.2.3");
        assertThatThrownBy(() -> strict.parse("https://[::ffff:192.168.7.7]/")).message().doesNotContain("192.168");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://198.17.255.255/", "https://198.20.0.1/", "https://192.0.1.1/", "https://[2001:4860::8888]/",
            "https://[64:ff9b:2::808:808]/"})
    void theNeighboursOfThoseRangesStayAllowed(String url) {
        assertThat(strict.parse(url).literal()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://8.8.8.8/hook", "https://[2606:4700::1111]/", "https://[64:ff9b::808:808]/",
            "https://100.63.255.255/", "https://100.128.0.1/", "https://172.32.0.1/", "https://172.15.255.255/",
            "https://223.255.255.255/", "https://[::ffff:8.8.8.8]/"})
    void allowsPublicAddresses(String url) {
        assertThat(strict.parse(url).literal()).isPresent();
    }

    @Test
    void hostNamesAreLeftToTheResolver() {
        TargetUrlPolicy.Target target = strict.parse("https://hooks.example.com:8443/in?x=1");
        assertThat(target.literal()).isEmpty();
        assertThat(target.host()).isEqualTo("hooks.example.com");
        assertThat(target.port()).isEqualTo(8443);
    }

    @Test
    void requiresHttpsUnlessHttpIsAllowed() {
        assertThatThrownBy(() -> strict.parse("http://example.com/")).hasMessage("must use https");
        assertThat(new TargetUrlPolicy(true, false).parse("http://example.com/").port()).isEqualTo(80);
        assertThatThrownBy(() -> strict.parse("ftp://example.com/")).isInstanceOf(RefusedTarget.class);
    }

    @Test
    void refusesCredentialsAndRelativeUrls() {
        assertThatThrownBy(() -> strict.parse("https://user:secret@example.com/")).hasMessage("must not contain credentials");
        assertThatThrownBy(() -> strict.parse("/relative")).hasMessage("must be an absolute URL");
        assertThatThrownBy(() -> strict.parse("not a url")).isInstanceOf(RefusedTarget.class);
    }

    @Test
    void privateTargetsCanBeAllowed() throws Exception {
        TargetUrlPolicy lenient = new TargetUrlPolicy(true, true);
        assertThat(lenient.parse("http://127.0.0.1:8080/").literal()).contains(InetAddress.getByName("127.0.0.1"));
        lenient.check(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void resolvedAddressesAreCheckedToo() throws Exception {
        assertThatThrownBy(() -> strict.check(InetAddress.getByName("192.168.0.10"))).isInstanceOf(RefusedTarget.class);
        strict.check(InetAddress.getByName("1.1.1.1"));
    }
}
