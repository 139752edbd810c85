package dev.accesspass.password;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Argon2id {@link PasswordHasher}, computed with Bouncy Castle's pure-Java {@link Argon2BytesGenerator}
 * (see {@code docs/PASSWORD-HASHING.md} for why not a native binding). Also verifies imported bcrypt hashes.
 *
 * <p>Thread-safety: immutable apart from a {@link SecureRandom} (thread-safe) and a statistics counter; a new
 * Bouncy Castle generator is made per call because those are stateful. Safe for concurrent use.
 */
final class Argon2idHasher implements PasswordHasher {

    private static final Logger LOG = LoggerFactory.getLogger(Argon2idHasher.class);

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /**
     * Bcrypt cost ceiling for imported hashes (SR-21 applied to bcrypt): cost 16 is already seconds per verify,
     * and Bouncy Castle would accept up to 31, i.e. days of CPU for one corrupted row. Legacy exports use 10..14.
     */
    static final int MAX_BCRYPT_COST = 16;
    /** "$2b$10$" + 22 salt chars + 31 hash chars. */
    private static final int BCRYPT_LENGTH = 60;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random;
    private final String dummyHash;
    /** Counts full hash computations (Argon2 or bcrypt); lets tests prove SR-33's "same work" without timing. */
    private final AtomicLong computations = new AtomicLong();

    /**
     * Creates a hasher for validated parameters and computes its dummy hash (one full Argon2id computation).
     *
     * @throws NullPointerException if {@code params} is null
     */
    Argon2idHasher(Argon2Parameters params) {
        this(Objects.requireNonNull(params, "params").memoryKiB(), params.iterations(), params.parallelism());
    }

    private Argon2idHasher(int memoryKiB, int iterations, int parallelism) {
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        // new SecureRandom(), not getInstanceStrong(): the latter can block on Linux under load (SR-01 rationale).
        this.random = new SecureRandom();
        // The dummy's password is random and thrown away, so verifyDummy can never succeed; only its cost matters.
        byte[] dummyPassword = new byte[SALT_BYTES];
        random.nextBytes(dummyPassword);
        this.dummyHash = hash(B64.encodeToString(dummyPassword));
    }

    /**
     * TEST ONLY: a hasher that skips the OWASP floor, to produce weak hashes (e.g. m=4096, t=1) for SR-20 tests.
     * The SR-21 ceiling and Argon2's own minimums still apply. Never used by production code.
     *
     * @throws IllegalArgumentException if above the ceiling or below Argon2's minimums
     */
    static Argon2idHasher withoutFloorForTests(int memoryKiB, int iterations, int parallelism) {
        Argon2Parameters.checkCeiling(memoryKiB, iterations, parallelism);
        if (iterations < 1 || parallelism < 1 || memoryKiB < 8 * parallelism) {
            throw new IllegalArgumentException("below Argon2's minimums: t >= 1, p >= 1, m >= 8 * p");
        }
        return new Argon2idHasher(memoryKiB, iterations, parallelism);
    }

    @Override
    public String hash(String password) {
        byte[] pw = encode(Objects.requireNonNull(password, "password"));
        if (pw == null) {
            throw new IllegalArgumentException("password contains an unpaired surrogate and cannot be encoded");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        try {
            byte[] out = argon2(PhcArgon2Hash.ARGON2ID, PhcArgon2Hash.VERSION_13, memoryKiB, iterations,
                    parallelism, salt, pw, HASH_BYTES);
            return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$"
                    + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    @Override
    public boolean verify(String password, String encodedHash) {
        Objects.requireNonNull(password, "password");
        if (encodedHash == null) {
            LOG.error("Stored password hash is missing; treating the verification as failed.");
            return false;
        }
        if (encodedHash.startsWith("$argon2")) {
            return verifyArgon2(password, encodedHash);
        }
        if (encodedHash.startsWith("$2a$") || encodedHash.startsWith("$2b$") || encodedHash.startsWith("$2y$")) {
            return verifyBcrypt(password, encodedHash);
        }
        LOG.error("Stored password hash has an unknown format (scheme prefix '{}'); treating the verification"
                + " as failed.", schemePrefix(encodedHash));
        return false;
    }

    private boolean verifyArgon2(String password, String encodedHash) {
        PhcArgon2Hash stored;
        try {
            stored = PhcArgon2Hash.parse(encodedHash);
        } catch (InvalidHashException e) {
            LOG.error("Stored password hash rejected: {}; treating the verification as failed.", e.getMessage());
            return false;
        }
        byte[] pw = encode(password);
        if (pw == null) {
            // The submitted text is not valid UTF-16, so it cannot equal any password that was set (hash() refuses
            // such text). Depends only on the input, not on the account, so it leaks nothing (SR-33).
            return false;
        }
        try {
            byte[] actual = argon2(stored.variant, stored.version, stored.memoryKiB, stored.iterations,
                    stored.parallelism, stored.salt, pw, stored.hash.length);
            return MessageDigest.isEqual(actual, stored.hash);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    private boolean verifyBcrypt(String password, String encodedHash) {
        String prefix = encodedHash.substring(0, 4);
        // Checked here, before Bouncy Castle sees the string, so the SR-21 ceiling also covers bcrypt's cost.
        if (encodedHash.length() != BCRYPT_LENGTH || encodedHash.charAt(6) != '$'
                || !Character.isDigit(encodedHash.charAt(4)) || !Character.isDigit(encodedHash.charAt(5))) {
            LOG.error("Stored password hash rejected: {} hash is malformed; treating the verification as failed.",
                    prefix);
            return false;
        }
        int cost = Integer.parseInt(encodedHash.substring(4, 6));
        if (cost > MAX_BCRYPT_COST) {
            LOG.error("Stored password hash rejected: {} hash cost is above the ceiling of {} (SR-21); treating the"
                    + " verification as failed.", prefix, MAX_BCRYPT_COST);
            return false;
        }
        byte[] pw = encode(password);
        if (pw == null) {
            return false;
        }
        try {
            computations.incrementAndGet();
            // Bouncy Castle handles $2a$, $2b$ and $2y$ alike, uses only the first 72 bytes of the password (as
            // every bcrypt does; the SR-20 rehash removes the limit) and compares with
            // Strings.constantTimeAreEqual (checked in the 1.87 bytecode).
            return OpenBSDBCrypt.checkPassword(encodedHash, pw);
        } catch (RuntimeException e) {
            // Bad salt alphabet, cost below 4, etc. Bouncy Castle's messages can quote the string, so log our own.
            LOG.error("Stored password hash rejected: {} hash is malformed; treating the verification as failed.",
                    prefix);
            return false;
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    @Override
    public boolean needsRehash(String encodedHash) {
        if (encodedHash == null || !encodedHash.startsWith("$argon2")) {
            return true; // bcrypt (SR-20 "another algorithm"), or not a hash we could have written
        }
        PhcArgon2Hash stored;
        try {
            stored = PhcArgon2Hash.parse(encodedHash);
        } catch (InvalidHashException e) {
            return true; // verify() already failed and logged for this string; no second log line here
        }
        return !stored.variant.equals(PhcArgon2Hash.ARGON2ID)
                || stored.version != PhcArgon2Hash.VERSION_13
                || stored.memoryKiB < memoryKiB
                || stored.iterations < iterations
                || stored.parallelism < parallelism
                || stored.salt.length != SALT_BYTES
                || stored.hash.length != HASH_BYTES;
    }

    @Override
    public void verifyDummy(String password) {
        // The result is irrelevant; the point is that the same Argon2 work happens as for a real account (SR-33).
        verify(password, dummyHash);
    }

    /** The dummy hash, for tests that check it carries the current parameters. */
    String dummyHash() {
        return dummyHash;
    }

    /** How many full hash computations this hasher has run; for tests (SR-33 "same work"). */
    long computations() {
        return computations.get();
    }

    private byte[] argon2(String variant, int version, int m, int t, int p, byte[] salt, byte[] password,
                          int outLength) {
        int type = switch (variant) {
            case PhcArgon2Hash.ARGON2ID -> org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id;
            case PhcArgon2Hash.ARGON2I -> org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_i;
            case PhcArgon2Hash.ARGON2D -> org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_d;
            default -> throw new IllegalStateException("unreachable: variant checked by the parser");
        };
        org.bouncycastle.crypto.params.Argon2Parameters bcParams =
                new org.bouncycastle.crypto.params.Argon2Parameters.Builder(type)
                        .withVersion(version)
                        .withMemoryAsKB(m)
                        .withIterations(t)
                        .withParallelism(p)
                        .withSalt(salt)
                        .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(bcParams);
        byte[] out = new byte[outLength];
        computations.incrementAndGet();
        generator.generateBytes(password, out);
        return out;
    }

    /**
     * NFKC, then strict UTF-8 (SR-26). Strict because the default String.getBytes replaces an unpaired surrogate
     * with '?', which would make "a\uD800" and "a?" the same password.
     *
     * @return the bytes, or null if the text contains an unpaired surrogate
     */
    static byte[] encode(String password) {
        String normalized = Normalizer.normalize(password, Normalizer.Form.NFKC);
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer buffer = encoder.encode(CharBuffer.wrap(normalized));
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            if (buffer.hasArray()) {
                Arrays.fill(buffer.array(), (byte) 0); // best effort: do not leave a second copy lying around
            }
            return bytes;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** At most the scheme name, and only if it looks like one, so no hash material reaches the log. */
    private static String schemePrefix(String encodedHash) {
        if (encodedHash.isEmpty()) {
            return "";
        }
        if (encodedHash.charAt(0) != '$') {
            return "(none)";
        }
        int end = encodedHash.indexOf('$', 1);
        String scheme = end < 0 ? "" : encodedHash.substring(1, end);
        return !scheme.isEmpty() && scheme.length() <= 20 && scheme.chars().allMatch(
                c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') ? "$" + scheme + "$" : "(none)";
    }
}
