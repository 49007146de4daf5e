/*
 * A consistent copy of DynamoDB Local's database while it runs, through SQLite's online backup
 * (sqlite4java, shipped with DynamoDB Local): the copy is the database at one transaction boundary.
 *   java -cp DynamoDBLocal_lib/sqlite4java.jar BackupDb.java <libraryDir> <source.db> <copy.db>
 */
import com.almworks.sqlite4java.SQLite;
import com.almworks.sqlite4java.SQLiteBackup;
import com.almworks.sqlite4java.SQLiteConnection;
import java.io.File;
import java.util.logging.Level;
import java.util.logging.Logger;

public class BackupDb {
  public static void main(String[] args) throws Exception {
    Logger.getLogger("com.almworks.sqlite4java").setLevel(Level.WARNING);
    SQLite.setLibraryPath(args[0]);
    SQLiteConnection source = new SQLiteConnection(new File(args[1]));
    source.openReadonly();
    SQLiteBackup backup = source.initializeBackup(new File(args[2]));
    try {
      // pages in steps, so DynamoDB Local's writers wait only for a step, not the whole copy
      while (!backup.isFinished()) backup.backupStep(256);
    } finally {
      backup.dispose();
      source.dispose();
    }
  }
}
