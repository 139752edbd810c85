/** Outgoing mail: the {@link dev.accesspass.mail.Mailer} SPI, its built-in log and SMTP mailers, and templates. */
package dev.accesspass.mail;
