namespace Pitlane.Obd;
