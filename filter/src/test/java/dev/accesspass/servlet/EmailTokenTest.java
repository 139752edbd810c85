package dev.accesspass.servlet;

import static dev.accesspass.servlet.MailTesting.awaitOutbox;
import static dev.accesspass.servlet.MailTesting.awaitToken;
import static dev.accesspass.servlet.MailTesting.outbox;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accesspass.AuthHooks;
import dev.accesspass.User;
import dev.accesspass.event.PasswordChangeEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Await;
import dev.accesspass.testing.Http;
import dev.accesspass.testing.Race;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Confirmation and reset tokens and the password flows, with the dev log mailer's outbox and a fake clock: expiry
 * at the edges, single use, purposes, races, revocation, the one password policy, throttling and caps.
 */
class EmailTokenTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "tulip kettle monsoon";

    private static Http.Reply confirm(Http http, String token) {
        return http.post("/auth/confirm", "token", token);
    }

    private static Http.Reply reset(Http http, String token, String password) {
        return http.post("/auth/password/reset", "token", token, "password", password,
                "password_confirmation", password);
    }

    private static Http.Reply change(Http http, String access, String current, String password) {
        return http.postJson("/auth/password/change", Http.json("current_password", current, "password", password,
                "password_confirmation", password), access);
    }

    private static boolean confirmed(TestServer server, String username) {
        return server.accessPass().findUser(username).map(User::emailConfirmed).orElseThrow();
    }

    @Test
    void sr08_confirmTokenWorksUntilJustBeforeItsTtlAndNotAfter() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            assertThat(http.register("alice", PASSWORD).status()).isEqualTo(201);
            String first = awaitToken(server.accessPass(), "alice@example.com", "confirm_email", 1);

            server.clock().advance(Duration.ofSeconds(86_400));
            Http.Reply expired = confirm(http, first);
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.code()).isEqualTo("invalid_grant");
            assertThat(confirmed(server, "alice")).isFalse();

            assertThat(http.post("/auth/confirm/resend", "email", "alice@example.com").status()).isEqualTo(202);
            String second = awaitToken(server.accessPass(), "alice@example.com", "confirm_email", 2);
            server.clock().advance(Duration.ofSeconds(86_399));
            assertThat(confirm(http, second).status()).isEqualTo(200);
            assertThat(confirmed(server, "alice")).isTrue();
        }
    }

    @Test
    void sr08_resetTokenWorksUntilJustBeforeItsTtlAndNotAfter() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            assertThat(http.register("bob", PASSWORD).status()).isEqualTo(201);
            http.post("/auth/password/forgot", "username", "bob");
            String first = awaitToken(server.accessPass(), "bob@example.com", "reset_password", 1);

            server.clock().advance(Duration.ofSeconds(3_600));
            Http.Reply expired = reset(http, first, NEW_PASSWORD);
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.code()).isEqualTo("invalid_grant");
            assertThat(http.login("bob", PASSWORD).status()).isEqualTo(200);

            http.post("/auth/password/forgot", "username", "bob@example.com");
            String second = awaitToken(server.accessPass(), "bob@example.com", "reset_password", 2);
            server.clock().advance(Duration.ofSeconds(3_599));
            assertThat(reset(http, second, NEW_PASSWORD).status()).isEqualTo(204);
            assertThat(http.login("bob", NEW_PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr36_newResetRequestKillsTheEarlierTokenAndTokensAreSingleUse() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("carol", PASSWORD);
            http.post("/auth/password/forgot", "username", "carol");
            String first = awaitToken(server.accessPass(), "carol@example.com", "reset_password", 1);
            http.post("/auth/password/forgot", "username", "carol");
            String second = awaitToken(server.accessPass(), "carol@example.com", "reset_password", 2);

            assertThat(reset(http, first, NEW_PASSWORD).code()).isEqualTo("invalid_grant");
            assertThat(reset(http, second, NEW_PASSWORD).status()).isEqualTo(204);
            Http.Reply reused = reset(http, second, "yet another passphrase");
            assertThat(reused.status()).isEqualTo(401);
            assertThat(reused.code()).isEqualTo("invalid_grant");
            assertThat(http.login("carol", NEW_PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr36_twoParallelResetsWithOneTokenGiveOne204AndOne401() throws Exception {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("dave", PASSWORD);
            http.post("/auth/password/forgot", "username", "dave");
            String token = awaitToken(server.accessPass(), "dave@example.com", "reset_password", 1);

            List<String> passwords = List.of("first racing passphrase", "second racing passphrase");
            List<Http.Reply> replies = Race.race(2, i -> () -> reset(server.http(), token, passwords.get(i)));
            int winner = -1;
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Http.Reply reply = replies.get(i);
                statuses.add(reply.status());
                if (reply.status() == 204) {
                    winner = i;
                } else {
                    assertThat(reply.code()).isEqualTo("invalid_grant");
                }
            }
            assertThat(statuses).containsExactlyInAnyOrder(204, 401);
            assertThat(http.login("dave", passwords.get(winner)).status()).isEqualTo(200);
            assertThat(http.login("dave", passwords.get(1 - winner)).status()).isEqualTo(401);
        }
    }

    @Test
    void sr04_confirmationAndResetTokensNeverCrossAndAWrongUseChangesNothing() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("erin", PASSWORD);
            String confirmation = awaitToken(server.accessPass(), "erin@example.com", "confirm_email", 1);
            http.post("/auth/password/forgot", "username", "erin");
            String resetToken = awaitToken(server.accessPass(), "erin@example.com", "reset_password", 1);

            Http.Reply resetAtConfirm = confirm(http, resetToken);
            assertThat(resetAtConfirm.status()).isEqualTo(401);
            assertThat(resetAtConfirm.code()).isEqualTo("invalid_grant");
            Http.Reply confirmAtReset = reset(http, confirmation, NEW_PASSWORD);
            assertThat(confirmAtReset.status()).isEqualTo(401);
            assertThat(confirmAtReset.code()).isEqualTo("invalid_grant");
            assertThat(confirmed(server, "erin")).isFalse();
            assertThat(http.login("erin", PASSWORD).status()).isEqualTo(200);

            assertThat(confirm(http, confirmation).status()).isEqualTo(200);
            assertThat(reset(http, resetToken, NEW_PASSWORD).status()).isEqualTo(204);
        }
    }

    @Test
    void sr37_sr41_sr76_confirmLinkRedirectsToTheConfiguredPageForTheFrontEndToPost() {
        try (TestServer server = TestServer.builder().set("confirm-redirect-url", "https://app.example/welcome")
                .start()) {
            Http http = server.http();
            http.register("frank", PASSWORD);
            String token = awaitToken(server.accessPass(), "frank@example.com", "confirm_email", 1);
            Http.Reply redirect = http.get("/auth/confirm?token=" + token + "&next=//evil.example", null);
            assertThat(redirect.status()).isEqualTo(302);
            assertThat(redirect.header("Location")).hasValue("https://app.example/welcome?token=" + token);
            assertThat(redirect.header("Referrer-Policy")).contains("no-referrer");
            assertThat(redirect.header("Cache-Control")).contains("no-store");
            // The GET changed nothing (SR-76): the front end POSTs the token.
            assertThat(confirmed(server, "frank")).isFalse();
            assertThat(confirm(http, token).status()).isEqualTo(200);
            assertThat(confirmed(server, "frank")).isTrue();

            Http.Reply again = confirm(http, token);
            assertThat(again.status()).isEqualTo(401);
            assertThat(again.code()).isEqualTo("invalid_grant");
            assertThat(again.header("Referrer-Policy")).contains("no-referrer");
            assertThat(again.header("Location")).isEmpty();
            Http.Reply badReset = reset(http, "x".repeat(43), NEW_PASSWORD);
            assertThat(badReset.code()).isEqualTo("invalid_grant");
            assertThat(badReset.header("Referrer-Policy")).contains("no-referrer");
        }
    }

    @Test
    void sr76_emailChangeLinkRedirectsLikeTheConfirmLinkAndChangesNothing() {
        try (TestServer server = TestServer.builder().set("confirm-redirect-url", "https://app.example/welcome")
                .start()) {
            Http http = server.http();
            String access = http.register("gina", PASSWORD).field("access_token");
            assertThat(http.postJson("/auth/email/change", Http.json("password", PASSWORD, "new_email",
                    "gina@new.example"), access).status()).isEqualTo(202);
            String token = awaitToken(server.accessPass(), "gina@new.example", "confirm_email_change", 1);

            Http.Reply redirect = http.get("/auth/email/change/confirm?token=" + token, null);

            assertThat(redirect.status()).isEqualTo(302);
            assertThat(redirect.header("Location"))
                    .hasValue("https://app.example/welcome?token=" + token + "&flow=email_change");
            assertThat(redirect.header("Referrer-Policy")).contains("no-referrer");
            assertThat(server.accessPass().findUser("gina").orElseThrow().email()).isEqualTo("gina@example.com");
            assertThat(http.post("/auth/email/change/confirm", "token", token).status()).isEqualTo(200);
            assertThat(server.accessPass().findUser("gina").orElseThrow().email()).isEqualTo("gina@new.example");
        }
    }

    @Test
    void sr11_passwordChangeKeepsThisSessionRevokesOthersAndKillsResetTokens() {
        List<Object> events = new CopyOnWriteArrayList<>();
        AuthHooks hooks = new AuthHooks() {
            @Override
            public void afterPasswordChange(PasswordChangeEvent event) {
                events.add(event);
            }

            @Override
            public void onSecurityEvent(SecurityEvent event) {
                if (event.type() == SecurityEvent.Type.PASSWORD_CHANGED) {
                    events.add(event.type());
                }
            }
        };
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http http = server.http();
            Http.Reply s1 = http.register("gina", PASSWORD);
            Http.Reply s2 = http.login("gina", PASSWORD);
            http.post("/auth/password/forgot", "username", "gina");
            String resetToken = awaitToken(server.accessPass(), "gina@example.com", "reset_password", 1);

            Http.Reply wrong = change(http, s1.field("access_token"), "not my password", NEW_PASSWORD);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.code()).isEqualTo("invalid_credentials");
            assertThat(wrong.header("WWW-Authenticate").orElseThrow()).startsWith("Bearer realm=")
                    .doesNotContain("error=");
            assertThat(http.get("/auth/check", s1.field("access_token")).status()).isEqualTo(200);

            Http.Reply changed = change(http, s1.field("access_token"), PASSWORD, NEW_PASSWORD);
            assertThat(changed.status()).isEqualTo(204);
            assertThat(changed.body()).isEmpty();
            assertThat(http.get("/auth/check", s1.field("access_token")).status()).isEqualTo(200);
            assertThat(http.get("/auth/check", s2.field("access_token")).status()).isEqualTo(401);
            assertThat(http.post("/auth/refresh", "refresh_token", s2.field("refresh_token")).code())
                    .isEqualTo("invalid_grant");
            assertThat(reset(http, resetToken, "some other passphrase").code()).isEqualTo("invalid_grant");
            assertThat(http.login("gina", PASSWORD).status()).isEqualTo(401);
            assertThat(http.login("gina", NEW_PASSWORD).status()).isEqualTo(200);
            assertThat(events).hasSize(2).contains(SecurityEvent.Type.PASSWORD_CHANGED);
            assertThat(awaitOutbox(server.accessPass(), m -> m.kind().equals("password_changed"), 1).get(0).text())
                    .doesNotContain(NEW_PASSWORD).doesNotContain("token");
        }
    }

    @Test
    void sr11_wrongCurrentPasswordsCountTowardTheLoginThrottle() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            String access = http.register("hank", PASSWORD).field("access_token");
            for (int i = 0; i < 5; i++) {
                assertThat(change(http, access, "wrong guess " + i, NEW_PASSWORD).code())
                        .isEqualTo("invalid_credentials");
            }
            Http.Reply throttled = change(http, access, PASSWORD, NEW_PASSWORD);
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.code()).isEqualTo("too_many_attempts");
            assertThat(Long.parseLong(throttled.header("Retry-After").orElseThrow())).isBetween(1L, 900L);
            // The token stays good: a throttled change is not a bad token.
            assertThat(http.get("/auth/check", access).status()).isEqualTo(200);
        }
    }

    @Test
    void sr27_theSamePolicyAndMessagesOnRegisterChangeAndReset() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            String access = http.register("henrietta", PASSWORD).field("access_token");
            http.post("/auth/password/forgot", "username", "henrietta");
            String token = awaitToken(server.accessPass(), "henrietta@example.com", "reset_password", 1);
            for (String bad : List.of("short", "password", "henrietta", "HENRIETTA@example.com", "x".repeat(257))) {
                JsonNode viaRegister = http.post("/auth/register", "username", "henrietta", "email",
                        "henrietta@example.com", "password", bad, "password_confirmation", bad).json();
                JsonNode viaChange = change(http, access, PASSWORD, bad).json();
                JsonNode viaReset = reset(http, token, bad).json();
                assertThat(viaRegister.get("code").asText()).as(bad).isEqualTo("validation_failed");
                assertThat(viaChange.get("errors").get("password")).as(bad)
                        .isEqualTo(viaRegister.get("errors").get("password"));
                assertThat(viaReset.get("errors").get("password")).as(bad)
                        .isEqualTo(viaRegister.get("errors").get("password"));
            }
            Http.Reply mismatch = http.post("/auth/password/reset", "token", token, "password", NEW_PASSWORD,
                    "password_confirmation", NEW_PASSWORD + "!");
            assertThat(mismatch.json().get("errors").has("password_confirmation")).isTrue();
            // SR-38: none of the refused attempts used the token up.
            assertThat(reset(http, token, NEW_PASSWORD).status()).isEqualTo(204);
        }
    }

    @Test
    void sr12_sr30_resetWorksWhileLoginIsThrottledAndClearsTheAccountCounter() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("ivan", PASSWORD);
            for (int i = 0; i < 5; i++) {
                http.login("ivan", "wrong guess " + i);
            }
            assertThat(http.login("ivan", PASSWORD).status()).isEqualTo(429);

            assertThat(http.post("/auth/password/forgot", "username", "ivan").status()).isEqualTo(202);
            String token = awaitToken(server.accessPass(), "ivan@example.com", "reset_password", 1);
            assertThat(reset(http, token, NEW_PASSWORD).status()).isEqualTo(204);
            // The account's counters (its name's and its shared one) are cleared: the next login works at once.
            assertThat(http.login("ivan", NEW_PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void sr25_tenEntriesOfTheShippedListAreRefusedOnRegisterChangeAndReset() throws Exception {
        List<String> shipped;
        try (var in = new java.util.zip.GZIPInputStream(dev.accesspass.AccessPass.class
                .getResourceAsStream("common-passwords.txt.gz"))) {
            shipped = List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"));
        }
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            String access = http.register("katrin", PASSWORD).field("access_token");
            http.post("/auth/password/forgot", "username", "katrin");
            String token = awaitToken(server.accessPass(), "katrin@example.com", "reset_password", 1);
            for (int i = 0; i < 10; i++) {
                String common = shipped.get(i * (shipped.size() / 10));
                for (Http.Reply reply : List.of(
                        http.post("/auth/register", "username", "kat" + i, "email", "kat" + i + "@example.com",
                                "password", common, "password_confirmation", common),
                        change(http, access, PASSWORD, common), reset(http, token, common))) {
                    assertThat(reply.status()).as(common).isEqualTo(400);
                    assertThat(reply.json().get("errors").get("password").get(0).asText()).as(common)
                            .isEqualTo("is too common; choose a less guessable password");
                }
            }
            assertThat(reset(http, token, NEW_PASSWORD).status()).isEqualTo(204);
        }
    }

    @Test
    void sr31_mailRoutesAreCappedPerRecipientAndPerAddressWithoutTellingAnyone() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            http.register("judy", PASSWORD);
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Http.Reply reply = http.post("/auth/password/forgot", "username", "judy");
                assertThat(reply.status()).isEqualTo(202);
                bodies.add(reply.text());
            }
            for (int i = 0; i < 20; i++) {
                Http.Reply reply = http.post("/auth/password/forgot", "username", "nobody" + i);
                assertThat(reply.status()).isEqualTo(202);
                bodies.add(reply.text());
            }
            assertThat(bodies).containsOnly("{\"status\":\"accepted\"}");
            // Every job counts its client address first: 1 registration + 40 requests, all handled.
            Await.until("41 mail jobs counted for 127.0.0.1", () -> server.accessPass().tokenStore()
                    .failedAttempts("mail-address:127.0.0.1", server.clock().instant()).failures(),
                    failures -> failures >= 41);
            awaitOutbox(server.accessPass(), m -> m.kind().equals("reset_password"), 3);
            // Closing drains the mail queue: every job has finished, so the count is final.
            server.close();
            assertThat(outbox(server.accessPass())).filteredOn(m -> m.kind().equals("reset_password")).hasSize(3);
            assertThat(outbox(server.accessPass())).allMatch(m -> m.to().equals("judy@example.com"));
        }
    }
}
