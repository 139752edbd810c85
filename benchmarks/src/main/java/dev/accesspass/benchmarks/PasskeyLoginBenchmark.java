package dev.accesspass.benchmarks;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.ClientContext;
import dev.accesspass.TokenResponse;
import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.PasswordHasher;
import dev.accesspass.store.NewUser;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import dev.accesspass.testing.SoftAuthenticator;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's cost of one passkey login ({@link #passkeyLogin}: the ceremony's one-time token used up, the
 * credential looked up, webauthn4j's parse and checks with one ES256 signature verify, the counter's
 * compare-and-set, a new session) against the baseline of a password login ({@link #passwordLogin}, one Argon2id
 * verify at the OWASP parameters) in the same run. The options call and the authenticator's signature are made in
 * the per-call setup, outside the measured time (they are the browser's and the authenticator's work, and one
 * cheap store write). Sample-time mode: compare medians and minimums on a shared machine.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PasskeyLoginBenchmark}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class PasskeyLoginBenchmark {
    private static final String PASSWORD = "correct horse battery staple 42";
    private static final String ORIGIN = "http://localhost:8080";

    private AccessPass accessPass;
    private SoftAuthenticator authenticator;
    private String ceremony;
    private String credential;

    @Setup(Level.Trial)
    public void setUp() {
        PasswordHasher hasher = PasswordHasher.argon2id(Argon2Parameters.owaspDefault());
        UserStore users = UserStore.inMemory();
        UserRecord user = users.create(new NewUser("benchuser", "benchuser@example.com", true, hasher.hash(PASSWORD),
                Set.of(), Instant.now()));
        AccessPassConfig config = AccessPassConfig.builder().loginMaxAttempts(100).set("base-url", ORIGIN)
                .set("notify-security-changes", "false").build();
        accessPass = AccessPass.builder(config).stores(TokenStore.inMemory(), users).passwordHasher(hasher).build();
        String access = accessPass.openSession(user.id(), Map.of()).accessToken();
        var auth = accessPass.authenticate(access).orElseThrow();
        authenticator = new SoftAuthenticator("localhost", ORIGIN);
        AccessPass.PasskeyOptions options = accessPass.passkeyRegistrationOptions(auth);
        Map<?, ?> entity = (Map<?, ?>) options.publicKey().get("user");
        accessPass.registerPasskey(auth, options.ceremony(), authenticator.register(
                (String) options.publicKey().get("challenge"), (String) entity.get("id")), null, ClientContext.none());
    }

    @Setup(Level.Invocation)
    public void nextCeremony() {
        AccessPass.PasskeyOptions options = accessPass.passkeyLoginOptions(null, ClientContext.none());
        ceremony = options.ceremony();
        credential = authenticator.assertion((String) options.publicKey().get("challenge"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        accessPass.close();
    }

    @Benchmark
    public TokenResponse passkeyLogin() {
        return accessPass.loginWithPasskey(ceremony, credential, ClientContext.none());
    }

    @Benchmark
    public TokenResponse passwordLogin() {
        return accessPass.login("benchuser", PASSWORD, "127.0.0.1");
    }
}
