namespace Pitlane.Vin.Tests;
