namespace Pitlane.Vin.Tests.Vpic;

/// <summary>
/// DecodeVinValues bodies in the shape vPIC documents (https://vpic.nhtsa.dot.gov/api/): a flat object per
/// result, every value a string, "" for unknown. The real answer has ~140 fields; a representative subset is kept.
/// </summary>
internal static class VpicSamples
{
    public const string HondaAccord2003 = """
        {"Count":1,"Message":"Results returned successfully. NOTE: Any missing decoded values should be interpreted as NHTSA does not have data on the specific variable. Missing value should NOT be interpreted as an indication that a feature or technology is unavailable for a vehicle.","SearchCriteria":"VIN:1HGCM82633A004352","Results":[{
        "ABS":"","AdaptiveCruiseControl":"","AirBagLocFront":"1st Row (Driver and Passenger)","AxleConfiguration":"","Axles":"",
        "BasePrice":"","BatteryKWh":"","BodyCabType":"","BodyClass":"Coupe","BrakeSystemType":"","ChargerLevel":"",
        "DisplacementCC":"2998.832712","DisplacementCI":"183","DisplacementL":"2.998832712","Doors":"2","DriveType":"",
        "EngineConfiguration":"V-Shaped","EngineCylinders":"6","EngineHP":"240","EngineKW":"178.9680","EngineManufacturer":"",
        "EngineModel":"J30A4","ErrorCode":"0","ErrorText":"0 - VIN decoded clean. Check Digit (9th position) is correct",
        "FuelInjectionType":"","FuelTypePrimary":"Gasoline","FuelTypeSecondary":"","GVWR":"","Make":"HONDA","MakeID":"474",
        "Manufacturer":"AMERICAN HONDA MOTOR CO., INC.","ManufacturerId":"988","Model":"Accord","ModelID":"1861",
        "ModelYear":"2003","PlantCity":"MARYSVILLE","PlantCompanyName":"","PlantCountry":"UNITED STATES (USA)",
        "PlantState":"OHIO","Series":"","Series2":"","SuggestedVIN":"","TransmissionStyle":"Automatic",
        "Trim":"EX-V6","VIN":"1HGCM82633A004352","VehicleType":"PASSENGER CAR"}]}
        """;

    public const string CheckDigitWrong = """
        {"Count":1,"Message":"Results returned successfully","SearchCriteria":"VIN:1HGCM82633A004353","Results":[{
        "BodyClass":"Coupe","DisplacementL":"2.998832712","EngineCylinders":"6","EngineModel":"J30A4",
        "ErrorCode":"1","ErrorText":"1 - Check Digit (9th position) does not calculate properly",
        "FuelTypePrimary":"Gasoline","Make":"HONDA","Manufacturer":"AMERICAN HONDA MOTOR CO., INC.","Model":"Accord",
        "ModelYear":"2003","PlantCity":"MARYSVILLE","PlantCountry":"UNITED STATES (USA)","Trim":"EX-V6"}]}
        """;

    /// <summary>Fields missing, numbers as JSON numbers, nulls and padding: the mapper must not care.</summary>
    public const string Sparse = """
        {"Count":1,"Results":[{"Make":" BMW ","Model":"X3","ModelYear":2011,"DisplacementL":3,"EngineCylinders":null,
        "Trim":"","ErrorCode":"6","ErrorText":"6 - Incomplete VIN","SomethingNew":{"nested":true}}]}
        """;
}
