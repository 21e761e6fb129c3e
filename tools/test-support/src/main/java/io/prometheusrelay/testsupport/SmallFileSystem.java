package io.prometheusrelay.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few hundred KiB, mounted for one test so that a disk really fills up (ENOSPC), and
 * unmounted after (lazily, so a store that a failed test left open cannot keep it mounted).
 * Mounting needs root: elsewhere the test is skipped with a message, except under CI=true, where CI
 * runs as root and a missing mount is a failure.
 */
public final class SmallFileSystem implements AutoCloseable {

	private final Path path;

	private SmallFileSystem(Path path) {
		this.path = path;
	}

	/** Mounts a tmpfs of {@code size} (as mount's {@code -o size=}, e.g. {@code 256k}) on {@code path}. */
	public static SmallFileSystem mount(Path path, String size) throws IOException, InterruptedException {
		Files.createDirectories(path);
		Process mount = new ProcessBuilder(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path.toString()))
			.redirectErrorStream(true)
			.start();
		boolean done = mount.waitFor(30, TimeUnit.SECONDS);
		String output = new String(mount.getInputStream().readAllBytes());
		RealPeers.require(done && mount.exitValue() == 0, "cannot mount a small tmpfs (needs root): " + output.trim());
		return new SmallFileSystem(path);
	}

	/** File descriptors this process has open: what a leak on every failed write would grow. */
	public static long openDescriptors() throws IOException {
		try (var entries = Files.list(Path.of("/proc/self/fd"))) {
			return entries.count();
		}
	}

	public Path path() {
		return this.path;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		Process umount = new ProcessBuilder(List.of("umount", "--lazy", this.path.toString())).redirectErrorStream(true).start();
		if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
			throw new IOException("umount " + this.path + " failed: " + new String(umount.getInputStream().readAllBytes()));
		}
	}

}
