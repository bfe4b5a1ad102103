using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>Paying in a browser the way a person does: Pitlane's pay page, then the built-in processor's checkout page.</summary>
public static class SimulatorCheckout
{
    /// <summary>From Pitlane's pay page (waited for) to the processor's page, where the card is typed and sent; Pitlane's page never has a card field.</summary>
    public static void PayWithCard(this IWebDriver browser, string card = "4242 4242 4242 4242")
    {
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(20));
        wait.Until(d => d.Url.Contains("/Payments/Pay/", StringComparison.Ordinal));
        browser.FindElement(By.Id("pay-card")).Click();
        wait.Until(d => d.Url.Contains("/simulator/checkout/", StringComparison.Ordinal));
        browser.EnterCard(card);
    }

    /// <summary>On the processor's checkout page (after a decline, it is shown again): types the card and sends it.</summary>
    public static void EnterCard(this IWebDriver browser, string card)
    {
        browser.FindElement(By.Name("number")).SendKeys(card);
        browser.FindElement(By.Name("expiry")).SendKeys("12/34");
        browser.FindElement(By.Name("cvc")).SendKeys("123");
        browser.FindElement(By.CssSelector("button[type='submit']")).Click();
    }
}
