package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the text format allows through, by the bytes: UTF-8 as the standard defines it, nothing else. */
class Utf8ValidationTests {

	@Test
	void acceptsUtf8OfEveryLengthUpToTheLengthGiven() {
		byte[] text = "ascii é € 𝄞 end".getBytes(StandardCharsets.UTF_8);
		assertThat(Utf8Validation.firstInvalid(text, text.length)).isEqualTo(-1);
		// Only the first length bytes count: garbage after them is not read.
		byte[] padded = java.util.Arrays.copyOf(text, text.length + 3);
		padded[text.length] = (byte) 0xFF;
		assertThat(Utf8Validation.firstInvalid(padded, text.length)).isEqualTo(-1);
		assertThat(Utf8Validation.firstInvalid(new byte[0], 0)).isEqualTo(-1);
	}

	@Test
	void findsTheFirstByteThatIsNotUtf8() {
		assertThat(Utf8Validation.firstInvalid(bytes('a', 0xC3, '(', 'b'), 4)).as("a lead byte without its continuation")
			.isEqualTo(1);
		assertThat(Utf8Validation.firstInvalid(bytes('a', 'b', 0xFF), 3)).as("a byte no UTF-8 has").isEqualTo(2);
		assertThat(Utf8Validation.firstInvalid(bytes(0xC0, 0xAF), 2)).as("an overlong '/'").isEqualTo(0);
		assertThat(Utf8Validation.firstInvalid(bytes(0xED, 0xA0, 0x80), 3)).as("an encoded surrogate").isEqualTo(0);
		assertThat(Utf8Validation.firstInvalid(bytes('x', 0xE2, 0x82), 3)).as("cut short at the end").isEqualTo(1);
		assertThat(Utf8Validation.firstInvalid(bytes('x', 0x80), 2)).as("a lone continuation byte").isEqualTo(1);
	}

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
