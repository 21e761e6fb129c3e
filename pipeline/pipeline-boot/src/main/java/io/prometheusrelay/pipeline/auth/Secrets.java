package io.prometheusrelay.pipeline.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * A secret configured as a value or as a file. Errors name the property and never the value:
 * not {@link InvalidConfigurationPropertyValueException} for the value itself, since Boot's
 * analysis of that failure prints it.
 */
public final class Secrets {

	private Secrets() {
	}

	/**
	 * The secret set by {@code property} or {@code property-file}, surrounding white space removed.
	 * @throws RuntimeException when neither or both are set, the file cannot be read, or it is empty
	 */
	public static String read(String property, @Nullable String value, @Nullable Path file) {
		if ((value == null) == (file == null)) {
			throw new IllegalStateException("Set exactly one of " + property + " and " + property + "-file");
		}
		String secret;
		if (file != null) {
			try {
				secret = Files.readString(file).strip();
			}
			catch (IOException ex) {
				throw new InvalidConfigurationPropertyValueException(property + "-file", file,
						"Cannot be read: " + ex.getClass().getSimpleName());
			}
		}
		else {
			secret = value.strip();
		}
		if (secret.isEmpty()) {
			throw new IllegalStateException(((file != null) ? property + "-file" : property) + " is empty");
		}
		return secret;
	}

}
