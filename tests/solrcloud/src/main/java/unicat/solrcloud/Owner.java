package unicat.solrcloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Small helpers shared by the two launchers. */
final class Owner {
  private Owner() {}

  /**
   * If the system property {@code solrcloud.owner.pid} names a process, halts this JVM once that
   * process is gone, so a test run that dies without calling {@code scripts/solrcloud.sh stop}
   * leaves no JVM behind.
   */
  static void watchOwner() {
    String pid = System.getProperty("solrcloud.owner.pid", "").trim();
    if (pid.isEmpty() || pid.equals("0")) {
      return;
    }
    Optional<ProcessHandle> owner = ProcessHandle.of(Long.parseLong(pid));
    if (owner.isEmpty() || !owner.get().isAlive()) {
      System.err.println("solrcloud: owner process " + pid + " is gone; exiting");
      Runtime.getRuntime().halt(3);
    }
    Thread t =
        new Thread(
            () -> {
              try {
                owner.get().onExit().get();
              } catch (Exception e) {
                return;
              }
              System.err.println("solrcloud: owner process " + pid + " exited; exiting");
              Runtime.getRuntime().halt(3);
            },
            "solrcloud-owner-watch");
    t.setDaemon(true);
    t.start();
  }

  /** Writes {@code text} to {@code file} atomically (write, then rename). */
  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
