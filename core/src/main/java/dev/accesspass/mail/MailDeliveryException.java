package dev.accesspass.mail;

/**
 * A message could not be delivered. Thrown by {@link Mailer#send}; AccessPass retries it with back-off when
 * {@link #retryable()} is true (a connection failure, a 4xx reply) and logs it as final otherwise (a 5xx reply, a
 * refused address). Messages never carry a password or token.
 */
public class MailDeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public MailDeliveryException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether another attempt later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
