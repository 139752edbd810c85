/**
 * The Spring Security bridge: the token's user and roles as a Spring Security {@code Authentication}.
 */
package dev.accesspass.spring.security;
