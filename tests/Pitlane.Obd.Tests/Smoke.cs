namespace Pitlane.Obd.Tests;
