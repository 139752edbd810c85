package dev.accesspass.servlet.testing;

import dev.accesspass.password.Argon2Parameters;
import dev.accesspass.password.PasswordHasher;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link PasswordHasher} that counts each kind of call and delegates to the real Argon2id hasher. Thread-safe. */
public final class CountingHasher implements PasswordHasher {
    private final PasswordHasher delegate;
    private final AtomicInteger hashes = new AtomicInteger();
    private final AtomicInteger verifies = new AtomicInteger();
    private final AtomicInteger dummyVerifies = new AtomicInteger();

    public CountingHasher(PasswordHasher delegate) {
        this.delegate = delegate;
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

    /** {@code verify} plus {@code verifyDummy}: the password checks a login paid for. */
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
