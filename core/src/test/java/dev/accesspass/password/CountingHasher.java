package dev.accesspass.password;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link PasswordHasher} that counts each kind of call, so a test can assert work instead of time (SR-33's "one
 * verify per attempt"), around real Argon2id: below the OWASP floor for core's specification tests ({@link #weak},
 * about a millisecond a hash), or at the OWASP parameters for HTTP tests that want the real cost ({@link #owasp}).
 * In core's test-jar, for every module's tests. Thread-safe.
 */
public final class CountingHasher implements PasswordHasher {
    private final PasswordHasher delegate;
    private final AtomicInteger hashes = new AtomicInteger();
    private final AtomicInteger verifies = new AtomicInteger();
    private final AtomicInteger dummyVerifies = new AtomicInteger();

    public CountingHasher(PasswordHasher delegate) {
        this.delegate = delegate;
    }

    /** Argon2id at m=1024 KiB, t=1, p=1. */
    public static CountingHasher weak() {
        return withMemory(1024);
    }

    /** Argon2id at {@code memoryKiB}, t=1, p=1: a hasher with more memory wants older, smaller hashes rehashed. */
    public static CountingHasher withMemory(int memoryKiB) {
        return new CountingHasher(Argon2idHasher.withoutFloorForTests(memoryKiB, 1, 1));
    }

    /** Around Argon2id at the OWASP parameters. */
    public static CountingHasher owasp() {
        return new CountingHasher(PasswordHasher.argon2id(Argon2Parameters.owaspDefault()));
    }

    public int hashes() {
        return hashes.get();
    }

    public int verifies() {
        return verifies.get();
    }

    public int dummyVerifies() {
        return dummyVerifies.get();
    }

    /** Every password check paid for: real and dummy verifies. */
    public int allVerifies() {
        return verifies.get() + dummyVerifies.get();
    }

    public void reset() {
        hashes.set(0);
        verifies.set(0);
        dummyVerifies.set(0);
    }

    @Override
    public String hash(String password) {
        hashes.incrementAndGet();
        return delegate.hash(password);
    }

    @Override
    public boolean verify(String password, String encodedHash) {
        verifies.incrementAndGet();
        return delegate.verify(password, encodedHash);
    }

    @Override
    public boolean needsRehash(String encodedHash) {
        return delegate.needsRehash(encodedHash);
    }

    @Override
    public void verifyDummy(String password) {
        dummyVerifies.incrementAndGet();
        delegate.verifyDummy(password);
    }
}
