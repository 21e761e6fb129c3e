package io.prometheusrelay.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Shared secrets, several at once so that a new one can be rolled out before the old one is
 * removed. A presented token is compared with every accepted one, each to its end, so that timing
 * tells nothing about them; nothing here logs one.
 */
public final class Tokens {

	private final List<byte[]> accepted;

	public Tokens(List<String> tokens) {
		this.accepted = tokens.stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
	}

	/** Whether none are configured: then none is asked for. */
	public boolean isEmpty() {
		return this.accepted.isEmpty();
	}

	public boolean accepts(@Nullable String presented) {
		if (presented == null) {
			return false;
		}
		byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
		boolean valid = false;
		for (byte[] token : this.accepted) {
			valid |= MessageDigest.isEqual(token, bytes);
		}
		return valid;
	}

}
