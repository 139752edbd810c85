package dev.accesspass.benchmarks.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.benchmarks.peers.PeerServer.Variant;
import dev.accesspass.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every variant of the comparison really authenticates: a benchmark of a filter that lets everything through (or
 * answers every request with a fast 401) would compare nothing. Each starts on a free loopback port.
 */
class PeerServerTest {

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void each_peer_serves_the_token_user_and_refuses_a_missing_or_wrong_token(Variant variant) throws Exception {
        try (PeerServer server = PeerServer.start(variant, 0)) {
            Http http = new Http("http://127.0.0.1:" + server.port());

            Http.Reply ok = http.get("/hello", server.token());
            assertThat(ok.status()).as("%s with its token", variant).isEqualTo(200);
            assertThat(ok.text()).isEqualTo("{\"hello\":\"alice\"}");

            assertThat(http.get("/hello", null).status()).as("%s without a token", variant).isEqualTo(401);
            assertThat(http.get("/hello", Tokens.random()).status()).as("%s with an unknown token", variant)
                    .isEqualTo(401);
            assertThat(http.send("GET", "/hello", null, null, Map.of("Authorization", "Basic YWxpY2U6YWxpY2U=")).status())
                    .as("%s with another scheme", variant).isEqualTo(401);
        }
    }

    @Test
    void the_baseline_serves_everyone_anonymously() throws Exception {
        try (PeerServer server = PeerServer.start(Variant.NONE, 0)) {
            Http http = new Http("http://127.0.0.1:" + server.port());
            Http.Reply ok = http.get("/hello", server.token());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.text()).isEqualTo("{\"hello\":\"guest\"}");
            assertThat(http.get("/hello", null).status()).isEqualTo(200);
        }
    }

    @Test
    void variants_are_named_as_on_the_command_line() {
        for (Variant variant : Variant.values()) {
            assertThat(Variant.named(variant.label())).isEqualTo(variant);
        }
    }
}
