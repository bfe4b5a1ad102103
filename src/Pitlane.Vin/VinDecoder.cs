namespace Pitlane.Vin;
