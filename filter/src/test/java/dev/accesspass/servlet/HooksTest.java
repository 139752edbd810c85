package dev.accesspass.servlet;

import static dev.accesspass.testing.ProblemAssert.assertProblem;
import static dev.accesspass.testing.ProblemAssert.fieldErrors;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.accesspass.User;
import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.LogoutEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.servlet.testing.LogCapture;
import dev.accesspass.servlet.testing.RecordingHooks;
import dev.accesspass.servlet.testing.TestServer;
import dev.accesspass.testing.Http;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hooks of API.md §4 in this scope, and safe security logging (SR-27, SR-67). */
class HooksTest {
    private static final String PASSWORD = "correct horse battery";

    @Test
    void validateRegistrationCanAddErrors() {
        RecordingHooks hooks = new RecordingHooks().validation((form, errors) -> {
            if (form.username().startsWith("admin")) {
                errors.add("username", "is reserved");
            }
        });
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http.Reply refused = server.http().register("administrator", PASSWORD);
            assertProblem(refused, 400, "validation_failed");
            assertThat(fieldErrors(refused, "username")).containsExactly("is reserved");
            assertThat(server.accessPass().findUser("administrator")).isEmpty();
            assertThat(hooks.registered).isEmpty();
            assertThat(hooks.validated).extracting(f -> f.username() + " " + f.email())
                    .containsExactly("administrator administrator@example.com");
            assertThat(server.http().register("alice", PASSWORD).status()).isEqualTo(201);
        }
    }

    @Test
    void sr27_aHookThatAddsNothingCannotRelaxTheRules() {
        RecordingHooks hooks = new RecordingHooks();
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http.Reply refused = server.http().register("alice", "abcde");
            assertProblem(refused, 400, "validation_failed");
            assertThat(fieldErrors(refused, "password")).isNotEmpty();
            assertThat(server.accessPass().findUser("alice")).isEmpty();
        }
    }

    @Test
    void loginResponseAddsFieldsToEveryTokenResponseButCannotOverrideStandardOnes() {
        RecordingHooks hooks = new RecordingHooks().loginResponse(user -> {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("greeting", "Hello, " + user.username());
            extra.put("access_token", "forged");
            extra.put("token_type", "mac");
            extra.put("user", "nobody");
            return extra;
        });
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http http = server.http();
            Http.Reply registered = http.register("alice", PASSWORD);
            Http.Reply login = http.login("alice", PASSWORD);
            Http.Reply refreshed = http.post("/auth/refresh", "refresh_token", login.field("refresh_token"));
            for (Http.Reply reply : List.of(registered, login, refreshed)) {
                AccountRoutesTest.assertTokenResponse(reply, reply == registered ? 201 : 200, "alice");
                assertThat(reply.field("greeting")).isEqualTo("Hello, alice");
                assertThat(reply.field("access_token")).isNotEqualTo("forged");
                assertThat(reply.field("token_type")).isEqualTo("Bearer");
            }
            assertThat(http.get("/auth/check", refreshed.field("access_token")).status()).isEqualTo(200);
        }
    }

    @Test
    void afterHooksSeeTheRightUser() {
        RecordingHooks hooks = new RecordingHooks();
        try (TestServer server = TestServer.builder().hooks(hooks).start()) {
            Http http = server.http();
            Http.Reply registered = http.register("alice", PASSWORD);
            String id = registered.json().path("user").path("id").asText();
            assertThat(hooks.registered).extracting(RegisterEvent::user).extracting(User::username)
                    .containsExactly("alice");
            assertThat(hooks.attached).isSameAs(server.accessPass());
            assertThat(hooks.logins).extracting(LoginEvent::method).containsExactly("register");

            Http.Reply login = http.login("alice", PASSWORD);
            assertThat(hooks.logins).hasSize(2);
            LoginEvent event = hooks.logins.get(1);
            assertThat(event.user().id().value()).isEqualTo(id);
            assertThat(event.method()).isEqualTo("password");
            assertThat(event.clientAddress()).isEqualTo("127.0.0.1");
            assertProblem(http.login("alice", "wrong password"), 401, "invalid_credentials");
            assertThat(hooks.logins).hasSize(2);

            assertThat(http.postWithToken("/auth/logout", login.field("access_token")).status()).isEqualTo(204);
            assertThat(hooks.logouts).extracting(LogoutEvent::allSessions).containsExactly(false);
            assertThat(hooks.logouts.get(0).user().username()).isEqualTo("alice");
            assertThat(http.postWithToken("/auth/logout-all", registered.field("access_token")).status())
                    .isEqualTo(204);
            assertThat(hooks.logouts).extracting(LogoutEvent::allSessions).containsExactly(false, true);

            String access = http.login("alice", PASSWORD).field("access_token");
            Http.Reply deleted = http.send("DELETE", "/auth/account", "application/json",
                    Http.json("password", PASSWORD).getBytes(StandardCharsets.UTF_8),
                    Map.of("Authorization", "Bearer " + access));
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(hooks.deleted).extracting(AccountDeletedEvent::user).extracting(User::username)
                    .containsExactly("alice");
            assertThat(hooks.events(SecurityEvent.Type.ACCOUNT_DELETED)).hasSize(1);
            assertThat(hooks.events(SecurityEvent.Type.LOGIN_FAILED)).hasSize(1);
            // Registration opens its session without a login event: user_registered stands for it.
            assertThat(hooks.events(SecurityEvent.Type.LOGIN_SUCCEEDED)).hasSize(2);
            assertThat(hooks.events(SecurityEvent.Type.USER_REGISTERED)).hasSize(1);
        }
    }

    @Test
    void throwingHooksDoNotBreakResponses() {
        RecordingHooks hooks = new RecordingHooks() {
            @Override
            public void afterRegister(RegisterEvent event) {
                throw new IllegalStateException("afterRegister broke");
            }

            @Override
            public void afterLogin(LoginEvent event) {
                throw new IllegalStateException("afterLogin broke");
            }

            @Override
            public void afterLogout(LogoutEvent event) {
                throw new IllegalStateException("afterLogout broke");
            }

            @Override
            public void afterAccountDeleted(AccountDeletedEvent event) {
                throw new IllegalStateException("afterAccountDeleted broke");
            }

            @Override
            public void onSecurityEvent(SecurityEvent event) {
                throw new IllegalStateException("onSecurityEvent broke");
            }

            @Override
            public Map<String, Object> loginResponse(User user) {
                throw new IllegalStateException("loginResponse broke");
            }
        };
        try (TestServer server = TestServer.builder().hooks(hooks).start();
             LogCapture errors = LogCapture.of("dev.accesspass", Level.ERROR)) {
            Http http = server.http();
            Http.Reply registered = http.register("alice", PASSWORD);
            AccountRoutesTest.assertTokenResponse(registered, 201, "alice");
            Http.Reply login = http.login("alice", PASSWORD);
            AccountRoutesTest.assertTokenResponse(login, 200, "alice");
            assertThat(http.postWithToken("/auth/logout", login.field("access_token")).status()).isEqualTo(204);
            Http.Reply deleted = http.send("DELETE", "/auth/account", "application/json",
                    Http.json("password", PASSWORD).getBytes(StandardCharsets.UTF_8),
                    Map.of("Authorization", "Bearer " + registered.field("access_token")));
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(server.accessPass().findUser("alice")).isEmpty();
            // Each failure was logged with the hook's name.
            assertThat(String.join("\n", errors.messages())).contains("afterRegister", "afterLogin", "afterLogout",
                    "afterAccountDeleted", "onSecurityEvent", "loginResponse");
        }
    }

    @Test
    void aThrowingValidateRegistrationFailsTheRequestWithoutA500() {
        RecordingHooks hooks = new RecordingHooks().validation((form, errors) -> {
            throw new IllegalStateException("validator broke");
        });
        try (TestServer server = TestServer.builder().hooks(hooks).start();
             LogCapture errors = LogCapture.of("dev.accesspass", Level.ERROR)) {
            Http.Reply reply = server.http().register("alice", PASSWORD);
            // A broken validator is a server fault: the request fails (AuthHooks), with a correlation id logged.
            assertThat(reply.status()).as("%s", reply).isEqualTo(500);
            assertThat(reply.code()).isEqualTo("internal_error");
            assertThat(errors.messages()).anyMatch(m -> m.contains("correlation id"));
            assertThat(server.accessPass().findUser("alice")).isEmpty();
            assertThat(reply.text()).doesNotContain("validator broke", "IllegalStateException");
        }
    }

    @Test
    void sr67_controlCharactersNeverForgeLogLines() {
        RecordingHooks hooks = new RecordingHooks();
        try (TestServer server = TestServer.builder().hooks(hooks).start();
             LogCapture log = LogCapture.of("dev.accesspass.security", Level.INFO)) {
            Http http = server.http();
            String forged = "x\r\n2026-01-01 INFO forged";
            // Over HTTP, control characters in an identifier are refused before anything happens (API.md §1).
            assertProblem(http.login(forged, "some password"), 400, "validation_failed");
            // Line and paragraph separators pass the input rules and are escaped in the log line.
            assertProblem(http.login("x\u2028forged\u2029line", "some password"), 401, "invalid_credentials");
            // Through the Java API the CR LF itself reaches the security log, escaped.
            try {
                server.accessPass().login(forged, "some password", "127.0.0.1");
            } catch (dev.accesspass.AccessPassException expected) {
                assertThat(expected.code()).isEqualTo(dev.accesspass.ErrorCode.INVALID_CREDENTIALS);
            }
            List<String> failed = log.messages().stream().filter(m -> m.startsWith("event=login_failed")).toList();
            assertThat(failed).hasSize(2);
            for (String line : log.messages()) {
                assertThat(line).doesNotContain("\r", "\n", "\u2028", "\u2029");
            }
            assertThat(failed.get(0)).contains("identifier=\"x\\u2028forged\\u2029line\"");
            assertThat(failed.get(1)).contains("identifier=\"x\\u000d\\u000a2026-01-01 INFO forged\"");
            assertThat(hooks.events(SecurityEvent.Type.LOGIN_FAILED)).hasSize(2);
        }
    }
}
