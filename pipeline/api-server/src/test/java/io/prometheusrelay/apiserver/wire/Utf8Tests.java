package io.prometheusrelay.apiserver.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Utf8#isValid} agrees with the JDK's strict UTF-8 decoder on every sequence tried. */
class Utf8Tests {

	private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT);

	@Test
	void agreesOnEveryOneAndTwoByteSequence() {
		for (int a = 0; a < 256; a++) {
			agrees(new byte[] { (byte) a });
			for (int b = 0; b < 256; b++) {
				agrees(new byte[] { (byte) a, (byte) b });
			}
		}
	}

	@Test
	void agreesOnEveryThreeByteSequenceAfterTheLeadBytesWithRulesOfTheirOwn() {
		// E0 (overlong below A0), ED (surrogates above 9F), an ordinary one, and lead bytes of four.
		for (int a : new int[] { 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5 }) {
			for (int b = 0; b < 256; b++) {
				for (int c = 0; c < 256; c++) {
					agrees(new byte[] { (byte) a, (byte) b, (byte) c });
				}
			}
		}
	}

	@Test
	void agreesOnRandomFourByteSequencesAndTextAroundThem() {
		SplittableRandom random = new SplittableRandom(23);
		for (int i = 0; i < 300_000; i++) {
			byte[] bytes = { (byte) (0xF0 + random.nextInt(8)), (byte) (0x80 + random.nextInt(0x50)),
					(byte) (0x70 + random.nextInt(0x60)), (byte) (0x70 + random.nextInt(0x60)) };
			agrees(bytes);
		}
		agrees("température 温度 🌡".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void looksOnlyAtItsRange() {
		byte[] bytes = { (byte) 0xFF, 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF };
		assertThat(Utf8.isValid(bytes, 1, 3)).isTrue();
		assertThat(Utf8.isValid(bytes, 1, 2)).as("cut short").isFalse();
		assertThat(Utf8.isValid(bytes, 0, 2)).isFalse();
	}

	private void agrees(byte[] bytes) {
		boolean decodes;
		try {
			this.strict.decode(ByteBuffer.wrap(bytes));
			decodes = true;
		}
		catch (CharacterCodingException ex) {
			decodes = false;
		}
		if (Utf8.isValid(bytes, 0, bytes.length) != decodes) {
			throw new AssertionError("Differs from the JDK on " + java.util.HexFormat.of().formatHex(bytes));
		}
	}

}
