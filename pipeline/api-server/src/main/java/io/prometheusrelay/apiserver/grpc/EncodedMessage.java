package io.prometheusrelay.apiserver.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;

/**
 * A protobuf message already in wire form. The service's responses are built from the index's
 * encoded labels by copying bytes, so there is no message object to serialize: this is what gRPC
 * is handed instead.
 */
final class EncodedMessage {

	/** Writes the bytes as they are; parses by reading them back (for clients bound the same way). */
	static final MethodDescriptor.Marshaller<EncodedMessage> MARSHALLER = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(EncodedMessage message) {
			return new Stream(message.bytes);
		}

		@Override
		public EncodedMessage parse(InputStream stream) {
			try {
				return new EncodedMessage(stream.readAllBytes());
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not read a message", ex);
			}
		}

	};

	private final byte[] bytes;

	EncodedMessage(byte[] bytes) {
		this.bytes = bytes;
	}

	int size() {
		return this.bytes.length;
	}

	/** Known length and drainable, so gRPC frames it without copying it through a buffer first. */
	private static final class Stream extends ByteArrayInputStream implements KnownLength, Drainable {

		Stream(byte[] bytes) {
			super(bytes);
		}

		@Override
		public int drainTo(OutputStream target) throws IOException {
			int length = this.count - this.pos;
			target.write(this.buf, this.pos, length);
			this.pos = this.count;
			return length;
		}

	}

}
