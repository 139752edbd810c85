/**
 * What {@link dev.accesspass.AuthHooks} receive: immutable records of data only — the user, the session, the
 * client address, what happened. An event never carries the {@link dev.accesspass.AccessPass} instance; a hook that
 * needs the Java API keeps the instance it is given in {@link dev.accesspass.AuthHooks#attach}. Events never carry
 * a token, a password or a hash.
 */
package dev.accesspass.event;
