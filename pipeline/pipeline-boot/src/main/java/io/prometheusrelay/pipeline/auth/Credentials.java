package io.prometheusrelay.pipeline.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The credentials the receiver accepts, and the check of an {@code Authorization} header against
 * them. Only SHA-256 digests are kept, and a presented credential is digested and compared with
 * every accepted one in constant time, so neither the time an answer takes nor an error message
 * tells anything about a secret. Nothing here logs or prints one.
 */
public final class Credentials {

	/** What a request's credentials are worth. */
	public enum Verdict {

		/** Accepted, or none are required. */
		ACCEPTED,

		/** None of a scheme the receiver accepts were sent: 401. */
		MISSING,

		/** Sent, of an accepted scheme, but not accepted: 403. */
		WRONG

	}

	private final List<byte[]> basic;

	private final List<byte[]> bearer;

	private Credentials(List<byte[]> basic, List<byte[]> bearer) {
		this.basic = basic;
		this.bearer = bearer;
	}

	/**
	 * Reads every secret the properties, bound under {@code prefix}, name.
	 * @throws RuntimeException for an entry that is incomplete, ambiguous, empty or whose file cannot
	 * be read; the message names the property, never the secret
	 */
	public static Credentials from(AuthProperties properties, String prefix) {
		List<byte[]> basic = new ArrayList<>();
		for (int i = 0; i < properties.getBasic().size(); i++) {
			AuthProperties.Basic entry = properties.getBasic().get(i);
			String name = prefix + ".basic[" + i + "]";
			String username = entry.getUsername();
			if (username == null || username.isEmpty() || username.indexOf(':') >= 0) {
				throw new InvalidConfigurationPropertyValueException(name + ".username", username,
						"A user name is required, and cannot contain ':'");
			}
			String password = Secrets.read(name + ".password", entry.getPassword(), entry.getPasswordFile());
			basic.add(digest(username + ":" + password));
		}
		List<byte[]> bearer = new ArrayList<>();
		for (int i = 0; i < properties.getBearer().size(); i++) {
			AuthProperties.Bearer entry = properties.getBearer().get(i);
			bearer.add(digest(Secrets.read(prefix + ".bearer[" + i + "].token", entry.getToken(), entry.getTokenFile())));
		}
		return new Credentials(List.copyOf(basic), List.copyOf(bearer));
	}

	/** Whether any credentials are configured; with none, every request is accepted. */
	public boolean required() {
		return !this.basic.isEmpty() || !this.bearer.isEmpty();
	}

	/** The schemes a client may use, for {@code WWW-Authenticate}. */
	public List<String> schemes() {
		List<String> schemes = new ArrayList<>();
		if (!this.basic.isEmpty()) {
			schemes.add("Basic");
		}
		if (!this.bearer.isEmpty()) {
			schemes.add("Bearer");
		}
		return schemes;
	}

	public int basicCount() {
		return this.basic.size();
	}

	public int bearerCount() {
		return this.bearer.size();
	}

	/** The verdict on a request's {@code Authorization} header, {@code null} when it has none. */
	public Verdict check(@Nullable String authorization) {
		if (!required()) {
			return Verdict.ACCEPTED;
		}
		if (authorization == null) {
			return Verdict.MISSING;
		}
		int space = authorization.indexOf(' ');
		String scheme = (space > 0) ? authorization.substring(0, space).toLowerCase(Locale.ROOT) : "";
		String presented = (space > 0) ? authorization.substring(space + 1).strip() : "";
		if (scheme.equals("basic") && !this.basic.isEmpty()) {
			byte[] decoded;
			try {
				decoded = Base64.getDecoder().decode(presented);
			}
			catch (IllegalArgumentException ex) {
				return Verdict.WRONG;
			}
			return anyEqual(this.basic, digest(decoded)) ? Verdict.ACCEPTED : Verdict.WRONG;
		}
		if (scheme.equals("bearer") && !this.bearer.isEmpty()) {
			return anyEqual(this.bearer, digest(presented.getBytes(StandardCharsets.UTF_8))) ? Verdict.ACCEPTED
					: Verdict.WRONG;
		}
		return Verdict.MISSING;
	}

	/** Compared with every accepted digest, without stopping at the first match. */
	private static boolean anyEqual(List<byte[]> accepted, byte[] presented) {
		boolean equal = false;
		for (byte[] digest : accepted) {
			equal |= MessageDigest.isEqual(digest, presented);
		}
		return equal;
	}

	private static byte[] digest(String text) {
		return digest(text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] digest(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
