package dev.accesspass.mail;

import dev.accesspass.AccessPassConfig;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends mail over SMTP with Jakarta Mail (Eclipse Angus Mail).
 *
 * <p>Notes for maintainers. Jakarta Mail waits forever by default on connect, read and write; the three timeouts
 * below bound every attempt (SR-70). The session is a private {@link Session#getInstance} one, never the JVM-wide
 * default session, so two AccessPass instances cannot share settings. Recipients are set only from an
 * {@link InternetAddress} parsed strictly and checked to be exactly the one bare address we were given: no display
 * name, comment, group or list can sneak into a header (SR-40). With {@code smtp-starttls=true} STARTTLS is
 * required, never silently skipped. Thread-safe: a {@link Session} may be shared and each send opens its own
 * transport.
 */
final class SmtpMailer implements Mailer {
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 10_000;
    static final int WRITE_TIMEOUT_MILLIS = 10_000;

    private final Session session;
    private final InternetAddress from;
    private final String user;
    private final String password;

    SmtpMailer(AccessPassConfig config) {
        String host = config.smtpHost()
                .orElseThrow(() -> new IllegalArgumentException("smtp-host: required when mailer=smtp"));
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", "smtp");
        properties.setProperty("mail.smtp.host", host);
        properties.setProperty("mail.smtp.port", Integer.toString(config.smtpPort()));
        properties.setProperty("mail.smtp.connectiontimeout", Integer.toString(CONNECT_TIMEOUT_MILLIS));
        properties.setProperty("mail.smtp.timeout", Integer.toString(READ_TIMEOUT_MILLIS));
        properties.setProperty("mail.smtp.writetimeout", Integer.toString(WRITE_TIMEOUT_MILLIS));
        properties.setProperty("mail.smtp.from", config.mailFrom());
        if (config.smtpStarttls()) {
            properties.setProperty("mail.smtp.starttls.enable", "true");
            properties.setProperty("mail.smtp.starttls.required", "true");
        }
        this.user = config.smtpUser().orElse(null);
        this.password = config.smtpPassword().orElse(null);
        if (user != null) {
            properties.setProperty("mail.smtp.auth", "true");
        }
        this.session = Session.getInstance(properties);
        try {
            this.from = bareAddress(config.mailFrom());
        } catch (AddressException e) {
            throw new IllegalArgumentException("mail-from: not a single bare email address");
        }
    }

    @Override
    public void send(MailMessage message) throws MailDeliveryException {
        InternetAddress to;
        try {
            to = bareAddress(message.to());
        } catch (AddressException e) {
            throw new MailDeliveryException("the recipient is not one bare email address", false, null);
        }
        try {
            MimeMessage mime = new MimeMessage(session);
            mime.setFrom(from);
            mime.setRecipient(Message.RecipientType.TO, to);
            mime.setSubject(message.subject(), "UTF-8");
            mime.setSentDate(new Date());
            if (message.html() == null) {
                mime.setText(message.text(), "UTF-8");
            } else {
                MimeBodyPart text = new MimeBodyPart();
                text.setText(message.text(), "UTF-8");
                MimeBodyPart html = new MimeBodyPart();
                html.setText(message.html(), "UTF-8", "html");
                // Plain text first: clients show the last alternative they understand.
                mime.setContent(new MimeMultipart("alternative", text, html));
            }
            if (user != null) {
                Transport.send(mime, user, password);
            } else {
                Transport.send(mime);
            }
        } catch (MessagingException e) {
            throw new MailDeliveryException("SMTP delivery failed: " + e, retryable(e), e);
        }
    }

    /**
     * Parses strictly and insists on exactly one bare address equal to the input, so no display name, comment,
     * group, list or header-breaking character survives.
     */
    static InternetAddress bareAddress(String address) throws AddressException {
        if (address == null || address.isEmpty() || address.length() > 254
                || address.chars().anyMatch(c -> c < 0x21 || c == 0x7f || c > 0x7e)) {
            throw new AddressException("not a bare ASCII address");
        }
        InternetAddress parsed = new InternetAddress(address, true);
        parsed.validate();
        if (parsed.getPersonal() != null || parsed.isGroup() || !address.equals(parsed.getAddress())) {
            throw new AddressException("not a bare address");
        }
        return parsed;
    }

    /** 4xx replies and connection problems may pass; 5xx replies, refused addresses and bad credentials will not. */
    static boolean retryable(MessagingException e) {
        if (e instanceof AuthenticationFailedException) {
            return false;
        }
        for (Exception current = e; current != null;
             current = current instanceof MessagingException m ? m.getNextException() : null) {
            int code = current instanceof SMTPSendFailedException send ? send.getReturnCode()
                    : current instanceof SMTPAddressFailedException address ? address.getReturnCode() : -1;
            if (code >= 400) {
                return code < 500;
            }
        }
        if (e instanceof SendFailedException failed && failed.getInvalidAddresses() != null
                && failed.getInvalidAddresses().length > 0) {
            return false;
        }
        return true;
    }
}
